/**
 * What we answer a text with, in the sender's language (the first shipped one of `locales`, else English). Short:
 * one SMS segment where possible. `help` names the pod when the number belongs to members of one pod only.
 */
export type SmsReplyKind = 'stopped' | 'started' | 'help' | 'acknowledged' | 'open-the-app';

type Replies = Record<SmsReplyKind, (pod: string | null) => string>;

const REPLIES: Readonly<Record<'en' | 'pt' | 'es', Replies>> = {
  en: {
    stopped: () => 'Mutuo: you will get no more texts from us. Reply START to get them again.',
    started: () => 'Mutuo: texts are back on. Reply STOP to stop them, HELP for help.',
    help: (pod) => `Mutuo${pod ? `, ${pod}` : ''}: mutual aid messages. Reply STOP to stop texts, START to resume. Everything else is in the app.`,
    acknowledged: () => 'Mutuo: thank you, your pod knows you got the message.',
    'open-the-app': () => 'Mutuo: we could not read that reply. Please answer in the app. Reply HELP for help.',
  },
  pt: {
    stopped: () => 'Mutuo: não receberá mais SMS nossos. Responda START para voltar a recebê-los.',
    started: () => 'Mutuo: os SMS voltaram. Responda STOP para os parar, AJUDA para ajuda.',
    help: (pod) => `Mutuo${pod ? `, ${pod}` : ''}: mensagens de ajuda mútua. Responda STOP para parar os SMS, START para os retomar. O resto está na app.`,
    acknowledged: () => 'Mutuo: obrigado, o seu pod sabe que recebeu a mensagem.',
    'open-the-app': () => 'Mutuo: não percebemos a resposta. Responda na app, por favor. AJUDA para ajuda.',
  },
  es: {
    stopped: () => 'Mutuo: no recibirás más SMS nuestros. Responde START para volver a recibirlos.',
    started: () => 'Mutuo: los SMS han vuelto. Responde STOP para pararlos, AYUDA para ayuda.',
    help: (pod) => `Mutuo${pod ? `, ${pod}` : ''}: mensajes de ayuda mutua. Responde STOP para parar los SMS, START para reanudarlos. Lo demás está en la app.`,
    acknowledged: () => 'Mutuo: gracias, tu pod sabe que recibiste el mensaje.',
    'open-the-app': () => 'Mutuo: no entendimos la respuesta. Responde en la app, por favor. AYUDA para ayuda.',
  },
};

export function smsReply(kind: SmsReplyKind, locales: readonly string[], pod: string | null): string {
  const locale = locales.map((tag) => tag.toLowerCase().split('-')[0]).find((tag): tag is keyof typeof REPLIES => tag! in REPLIES) ?? 'en';
  return REPLIES[locale][kind](pod);
}
