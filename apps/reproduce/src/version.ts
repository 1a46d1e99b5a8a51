/** The version of cl-reproduce recorded in every result.json (`versions.app`); shared by the CLI and the API. */
export const APP_VERSION = '0.0.0'
