import { httpHandler } from '../../../shared/http/handler';
import { opsGetOffboardJob } from '../routes';
import { getOffboardJob } from '../tenant-service';

export const handler = httpHandler(opsGetOffboardJob, async ({ params }) => ({ status: 200, body: await getOffboardJob(params.jobId) }));
