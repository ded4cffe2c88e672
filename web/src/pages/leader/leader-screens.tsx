/** The municipal leader's screens, loaded as one chunk on first use (the chart library comes with them). */
export { StatsPage } from './stats-page';
