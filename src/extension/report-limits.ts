/** The longest free text a report may carry (the service's limit too). */
export const MAX_DETAILS_LENGTH = 2000;
