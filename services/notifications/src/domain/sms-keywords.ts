/**
 * What a text sent to us asks, from its first word: carriers' standard keywords (STOP, START, HELP) and short answers
 * (YES/NO), in the shipped languages, without case or accents. Anything else is `other`.
 */
export type SmsKeyword = 'stop' | 'start' | 'help' | 'yes' | 'no' | 'other';

const KEYWORDS: Readonly<Record<string, SmsKeyword>> = {
  STOP: 'stop',
  STOPALL: 'stop',
  UNSUBSCRIBE: 'stop',
  CANCEL: 'stop',
  END: 'stop',
  QUIT: 'stop',
  PARAR: 'stop',
  START: 'start',
  UNSTOP: 'start',
  SUBSCRIBE: 'start',
  HELP: 'help',
  INFO: 'help',
  AJUDA: 'help',
  AYUDA: 'help',
  YES: 'yes',
  Y: 'yes',
  SIM: 'yes',
  SI: 'yes',
  OK: 'yes',
  NO: 'no',
  N: 'no',
  NAO: 'no',
};

export function smsKeyword(body: string): SmsKeyword {
  const firstWord = body
    .trim()
    .split(/\s+/, 1)[0]!
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z]/g, '')
    .toUpperCase();
  return KEYWORDS[firstWord] ?? 'other';
}
