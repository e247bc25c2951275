import { kindPolicyFor } from '../policies/approval-policy.js';
import { officePolicy } from '../policies/office-policy.js';

/** The Korean name of a document type of a kind (영수증), as the policy in force names it. */
export const documentLabel = (kind: string, documentType: string): string =>
  kindPolicyFor(officePolicy, kind).documents.types[documentType]?.label ?? documentType;
