import { decisionRecordedPage } from '../../shared/notifications/decision-pages.js';
import { kindOf } from '../../shared/requests/kinds/index.js';
import { decisionLinks } from './decision-links.js';
import { formBody, html, htmlApi, pathParameter } from './http-api.js';

/** POST /decisions/{linkId} — the form's submission decides, exactly once. */
export const handler = htmlApi(async (event) => {
  const { request, decision } = await decisionLinks.decide(pathParameter(event, 'linkId'), formBody(event));
  return html(200, decisionRecordedPage({ request, kind: kindOf(request.kind), decision }));
});
