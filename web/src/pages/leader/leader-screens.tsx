/** The municipal leader's screens (and the operator's national figures, the same view), loaded as one chunk on first use (the chart library comes with them). */
export { StatsPage } from './stats-page';
