import { ForbiddenError, NotFoundError } from '../../shared/kernel/errors.js';
import { REPORT_FILES } from '../../shared/use-cases/monthly-report.js';
import { reportStoreFromEnv } from '../finance-wiring.js';
import { directoryFromEnv } from '../wiring.js';
import { callerId, jsonApi, pathParameter } from './http-api.js';

const reports = reportStoreFromEnv();
const directory = directoryFromEnv();

/** GET /finance/reports/{month}/{file} — a stored monthly report, for finance only (the link in the report email). */
export const handler = jsonApi(async (event) => {
  const caller = await directory.person(callerId(event));
  if (!caller || !(caller.roles.includes('finance') || caller.roles.includes('admin'))) throw new ForbiddenError('재무 담당자만 볼 수 있습니다.');
  const month = pathParameter(event, 'month');
  const file = pathParameter(event, 'file');
  if (!/^\d{4}-\d{2}$/.test(month) || !(Object.values(REPORT_FILES) as string[]).includes(file))
    throw new NotFoundError('보고서를 찾을 수 없습니다.');
  const report = await reports.get(`${month}/${file}`);
  if (!report) throw new NotFoundError(`${month} 보고서가 아직 없습니다.`);
  return {
    statusCode: 200,
    headers: { 'content-type': report.contentType, 'content-disposition': `attachment; filename="${month}-${file}"`, 'cache-control': 'no-store' },
    body: report.body.toString('base64'),
    isBase64Encoded: true,
  };
});
