import { ForbiddenError, NotFoundError } from '../../shared/kernel/errors.js';
import { reportStoreFromEnv } from '../finance-wiring.js';
import { directoryFromEnv } from '../wiring.js';
import { financeReport as operation } from './contract/operations.js';
import { callerId, jsonApi } from './http-api.js';

const reports = reportStoreFromEnv();
const directory = directoryFromEnv();

/** GET /finance/reports/{month}/{file} — a stored monthly report, for finance only (the link in the report email). */
export const handler = jsonApi(operation, async (event, { params }) => {
  const caller = await directory.person(callerId(event));
  if (!caller || !(caller.roles.includes('finance') || caller.roles.includes('admin'))) throw new ForbiddenError('재무 담당자만 볼 수 있습니다.');
  const { month, file } = params;
  const report = await reports.get(`${month}/${file}`);
  if (!report) throw new NotFoundError(`${month} 보고서가 아직 없습니다.`);
  return {
    statusCode: 200,
    headers: { 'content-type': report.contentType, 'content-disposition': `attachment; filename="${month}-${file}"`, 'cache-control': 'no-store' },
    body: report.body.toString('base64'),
    isBase64Encoded: true,
  };
});
