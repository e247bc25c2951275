import type { Directory } from '../directory/directory.js';
import { toCsv, toXlsx } from '../finance/exports.js';
import { REPORT_FILES } from '../finance/report-files.js';
import { escapeHtml, htmlDocument } from '../notifications/html.js';
import type { OfficePolicy } from '../policies/office-policy.js';
import type { ReportStore } from '../ports/finance-store.js';
import type { Mailer } from '../ports/messaging.js';
import type { Clock } from '../ports/system.js';
import { type Finance, financeViews } from './finance.js';

export interface MonthlyReportDeps {
  finance: Finance;
  reports: ReportStore;
  directory: Directory;
  mailer: Mailer;
  clock: Clock;
  policy: OfficePolicy;
  /** Where report links point: the API's public base URL (`GET /finance/reports/{month}/{file}`). */
  publicBaseUrl: string;
  log: (message: string, fields: Record<string, unknown>) => void;
}

/**
 * The report finance gets on the 1st at 09:00 KST: the previous month's totals as CSV and XLSX,
 * kept in the report store, and an email with the links to every member of the finance team.
 * Running it again for the same month rewrites the same files (idempotent).
 */
export function makeMonthlyReport({ finance, reports, directory, mailer, clock, policy, publicBaseUrl, log }: MonthlyReportDeps) {
  return async function produce(month = finance.previousMonth(clock.now())) {
    const views = financeViews(await finance.viewOf(month));
    await reports.put(`${month}/${REPORT_FILES.csv}`, toCsv(views), 'text/csv; charset=utf-8');
    await reports.put(`${month}/${REPORT_FILES.xlsx}`, await toXlsx(views), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const links = Object.values(REPORT_FILES).map((file) => `${publicBaseUrl.replace(/\/$/, '')}/finance/reports/${month}/${file}`);
    const { team, role } = policy.finance.reportRecipients;
    const recipients = (await directory.teamMembers(team)).filter((person) => person.roles.includes(role));
    for (const person of recipients) {
      try {
        const subject = `[월간 보고] ${month} 총무과 결재 합계`;
        const text = [
          `${person.name}님,`,
          '',
          `${month} 월간 합계 보고서가 준비되었습니다 (로그인 후 내려받기).`,
          '',
          ...links,
          '',
          '건강 관련 세부 내용은 포함되지 않습니다.',
        ].join('\n');
        const html = htmlDocument(
          subject,
          `<p>${escapeHtml(person.name)}님,</p><p>${escapeHtml(month)} 월간 합계 보고서가 준비되었습니다 (로그인 후 내려받기).</p>` +
            `<ul>${links.map((link) => `<li><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></li>`).join('')}</ul>`,
        );
        await mailer.send({ to: { name: person.name, email: person.email }, subject, text, html });
      } catch (error) {
        log('monthly report mail failed', { month, to: person.id, error: String(error) });
      }
    }
    return { month, files: links, recipients: recipients.map((person) => person.id) };
  };
}
