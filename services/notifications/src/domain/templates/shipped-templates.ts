import type { NotificationKind } from '../notification-kinds';

/**
 * The templates shipped with Mutuo, in ICU MessageFormat. `standard` is the usual wording; `plain` uses short
 * sentences and everyday words, for members who chose plain language. Avoid straight apostrophes: ICU treats them
 * as quotes (write "you are", or use ’).
 */
export const SHIPPED_LOCALES = ['en', 'pt', 'es'] as const;
export type ShippedLocale = (typeof SHIPPED_LOCALES)[number];

export const TEMPLATE_VARIANTS = ['standard', 'plain'] as const;
export type TemplateVariant = (typeof TEMPLATE_VARIANTS)[number];

export interface MessageTemplate {
  readonly subject: string;
  readonly body: string;
}

export type TemplateSet = Record<NotificationKind, Record<TemplateVariant, MessageTemplate>>;

const en: TemplateSet = {
  welcome: {
    standard: { subject: 'Welcome to your pod, {name}', body: 'Welcome to the pod, {name}. Ask for help when you need it, offer it when you can.' },
    plain: { subject: 'Welcome, {name}', body: 'Welcome, {name}. You can ask for help. You can help others too.' },
  },
  'request-posted': {
    standard: { subject: 'Your request is posted', body: 'Your request "{title}" is posted. People in your pod can see it now.' },
    plain: { subject: 'Request posted', body: 'We posted your request "{title}". People near you can see it.' },
  },
  'match-made': {
    standard: {
      subject: 'A match for "{title}"',
      body: '{role, select, helper {You agreed to help {otherAnonymous, select, true {a neighbour} other {{otherName}}} with "{title}".} other {{otherName} will help you with "{title}".}} Open the app to arrange the details.',
    },
    plain: {
      subject: 'Match for "{title}"',
      body: '{role, select, helper {You will help {otherAnonymous, select, true {a neighbour} other {{otherName}}}.} other {{otherName} will help you.}} It is about "{title}". Open the app for details.',
    },
  },
  'incident-declared': {
    standard: {
      subject: 'Emergency: {title}',
      body: 'An emergency was declared in your area at {declaredAt, time, short} on {declaredAt, date, long}: {title}. {severity, select, extreme {Danger to life: follow official instructions now.} severe {Serious danger: be ready to act.} other {Stay informed.}}',
    },
    plain: {
      subject: 'Emergency near you',
      body: 'Emergency near you: {title}. {severity, select, extreme {Your life may be in danger. Do what officials say now.} severe {This is serious. Get ready.} other {Keep watching for news.}}',
    },
  },
  'incident-closed': {
    standard: { subject: 'Emergency over: {title}', body: 'The emergency "{title}" was closed on {closedAt, date, long} at {closedAt, time, short}.' },
    plain: { subject: 'Emergency is over', body: 'The emergency "{title}" is over.' },
  },
  'role-term-ending': {
    standard: {
      subject: 'Your {role} term ends soon',
      body: 'Your term as {role} ends on {termEnd, date, long}. {renewable, select, true {You can renew it or hand it over.} other {You have served the most terms in a row: please hand it over.}}',
    },
    plain: {
      subject: 'Your {role} role ends soon',
      body: 'You are {role} until {termEnd, date, long}. {renewable, select, true {You can stay on, or give the role to someone.} other {Please give the role to someone else.}}',
    },
  },
  'coordinator-gap': {
    standard: {
      subject: 'Your pod needs a coordinator',
      body: '{hasGrace, select, true {The pod has a coordinator only until {graceUntil, date, long}.} other {The pod has no coordinator now.}} Please help it find one.',
    },
    plain: { subject: 'Pod needs a coordinator', body: 'Your pod needs a new coordinator. Can you help find one?' },
  },
  'webhook-endpoint-disabled': {
    standard: {
      subject: 'Partner webhook to {host} disabled',
      body: 'Deliveries to {host} failed {failures, plural, one {# time} other {# times}} in a row, so the endpoint was disabled. Fix it, then enable it again.',
    },
    plain: { subject: 'Partner link stopped', body: 'We could not reach {host} {failures, plural, one {# time} other {# times}}. We stopped sending to it.' },
  },
  'sign-in-code': {
    standard: {
      subject: 'Your Mutuo sign-in code',
      body: 'Your sign-in code is {code}. It works until {expiresAt, time, short}. If you did not ask for it, ignore this message.',
    },
    plain: { subject: 'Your code', body: 'Your code is {code}. Use it before {expiresAt, time, short}.' },
  },
  'contact-verification-code': {
    standard: { subject: 'Confirm your contact', body: 'Your confirmation code is {code}. It works until {expiresAt, time, short}.' },
    plain: { subject: 'Your code', body: 'Your code is {code}. Use it before {expiresAt, time, short}.' },
  },
  'phone-tree-call': {
    standard: {
      subject: 'Phone tree: please confirm',
      body: 'The phone tree of your pod is active: {reason}. Please confirm in the app{branchSize, plural, =0 {.} one {, then call the # person on your branch.} other {, then call the # people on your branch.}}',
    },
    plain: {
      subject: 'Phone tree: say you got this',
      body: 'Phone tree: {reason}. Tell us you got this message{branchSize, plural, =0 {.} one {. Then call # person.} other {. Then call # people.}}',
    },
  },
  digest: {
    standard: {
      subject: '{count, plural, one {# new notification} other {# new notifications}}',
      body: 'Since your last message: {count, plural, one {# new notification} other {# new notifications}}.\n{items}',
    },
    plain: {
      subject: '{count, plural, one {# new message} other {# new messages}}',
      body: 'You have {count, plural, one {# new message} other {# new messages}}:\n{items}',
    },
  },
  'helper-suggested': {
    standard: {
      subject: '{urgency, select, emergency {Urgent: } other {}}Someone nearby needs help',
      body: 'Someone nearby needs help with {category, select, food {food} groceries {groceries} meals {meals} housing {housing} transport {transport} childcare {childcare} eldercare {eldercare} medical {medical needs} money {money} skills {a skill} errands {errands} emotional_support {emotional support} translation {translation} administration {administration} other {something}}. Open the app to accept or decline.',
    },
    plain: {
      subject: 'Someone near you needs help',
      body: 'Someone near you needs help with {category, select, food {food} groceries {groceries} meals {meals} housing {housing} transport {transport} childcare {childcare} eldercare {eldercare} medical {medical needs} money {money} skills {a skill} errands {errands} emotional_support {emotional support} translation {translation} administration {administration} other {something}}. Open the app. Say yes or no.',
    },
  },
  'match-withdrawn': {
    standard: {
      subject: 'The match for "{title}" was withdrawn',
      body: '{withdrawnBy, select, requester {The person you were helping} helper {Your helper} other {A coordinator}} withdrew the match for "{title}". You do not need to do anything; open the app to see what happens next.',
    },
    plain: { subject: 'Match stopped', body: 'The match for "{title}" is stopped. You do not need to do anything.' },
  },
  'disbursement-proposed': {
    standard: {
      subject: 'A payment of {amount, number, money} needs your approval',
      body: 'A payment of {amount, number, money} for {category, select, food {food} groceries {groceries} meals {meals} housing {housing} transport {transport} childcare {childcare} eldercare {eldercare} medical {medical needs} money {money} skills {a skill} errands {errands} emotional_support {emotional support} translation {translation} administration {administration} other {something}} was proposed and needs approval ({approvalsRequired, plural, one {# approval} other {# approvals}} needed). {overBudget, select, true {It goes over this month’s budget for the category.} other {It is within the budget.}} Open the app to approve or reject it.',
    },
    plain: {
      subject: 'Please check a payment',
      body: 'Someone asks to pay {amount, number, money} for {category, select, food {food} groceries {groceries} meals {meals} housing {housing} transport {transport} childcare {childcare} eldercare {eldercare} medical {medical needs} money {money} skills {a skill} errands {errands} emotional_support {emotional support} translation {translation} administration {administration} other {something}}. {overBudget, select, true {This is more than the budget.} other {This fits the budget.}} Open the app. Say yes or no.',
    },
  },
  'budget-exceeded': {
    standard: {
      subject:
        'The {category, select, food {food} groceries {groceries} meals {meals} housing {housing} transport {transport} childcare {childcare} eldercare {eldercare} medical {medical needs} money {money} skills {a skill} errands {errands} emotional_support {emotional support} translation {translation} administration {administration} other {something}} budget is exceeded',
      body: 'This month {committed, number, money} is committed for {category, select, food {food} groceries {groceries} meals {meals} housing {housing} transport {transport} childcare {childcare} eldercare {eldercare} medical {medical needs} money {money} skills {a skill} errands {errands} emotional_support {emotional support} translation {translation} administration {administration} other {something}}, over the budget of {budget, number, money}. Please review the proposals.',
    },
    plain: {
      subject: 'Budget used up',
      body: 'The money for {category, select, food {food} groceries {groceries} meals {meals} housing {housing} transport {transport} childcare {childcare} eldercare {eldercare} medical {medical needs} money {money} skills {a skill} errands {errands} emotional_support {emotional support} translation {translation} administration {administration} other {something}} this month is used up. It is {committed, number, money}. The budget is {budget, number, money}.',
    },
  },
  'request-fulfilled': {
    standard: {
      subject: 'Thank you for helping',
      body: 'Thank you: the request for {category, select, food {food} groceries {groceries} meals {meals} housing {housing} transport {transport} childcare {childcare} eldercare {eldercare} medical {medical needs} money {money} skills {a skill} errands {errands} emotional_support {emotional support} translation {translation} administration {administration} other {something}} is fulfilled. You gave {hours, plural, one {# hour} other {# hours}}.',
    },
    plain: { subject: 'Thank you', body: 'Thank you for your help. You gave {hours, plural, one {# hour} other {# hours}}.' },
  },
};

const pt: TemplateSet = {
  welcome: {
    standard: { subject: 'Bem-vindo/a ao seu pod, {name}', body: 'Bem-vindo/a ao pod, {name}. Peça ajuda quando precisar, ofereça quando puder.' },
    plain: { subject: 'Olá, {name}', body: 'Olá, {name}. Pode pedir ajuda. Também pode ajudar.' },
  },
  'request-posted': {
    standard: { subject: 'O seu pedido foi publicado', body: 'O seu pedido "{title}" foi publicado. As pessoas do seu pod já o podem ver.' },
    plain: { subject: 'Pedido publicado', body: 'Publicámos o seu pedido "{title}". As pessoas perto de si já o veem.' },
  },
  'match-made': {
    standard: {
      subject: 'Encontrámos alguém para "{title}"',
      body: '{role, select, helper {Aceitou ajudar {otherAnonymous, select, true {uma pessoa vizinha} other {{otherName}}} com "{title}".} other {{otherName} vai ajudar com "{title}".}} Abra a aplicação para combinar os detalhes.',
    },
    plain: {
      subject: 'Ajuda para "{title}"',
      body: '{role, select, helper {Vai ajudar {otherAnonymous, select, true {uma pessoa vizinha} other {{otherName}}}.} other {{otherName} vai ajudar.}} É sobre "{title}". Veja os detalhes na aplicação.',
    },
  },
  'incident-declared': {
    standard: {
      subject: 'Emergência: {title}',
      body: 'Foi declarada uma emergência na sua zona às {declaredAt, time, short} de {declaredAt, date, long}: {title}. {severity, select, extreme {Perigo de vida: siga já as instruções oficiais.} severe {Perigo sério: esteja pronto/a para agir.} other {Mantenha-se informado/a.}}',
    },
    plain: {
      subject: 'Emergência perto de si',
      body: 'Emergência perto de si: {title}. {severity, select, extreme {A sua vida pode estar em perigo. Faça já o que as autoridades dizem.} severe {É grave. Prepare-se.} other {Esteja atento/a às notícias.}}',
    },
  },
  'incident-closed': {
    standard: { subject: 'Emergência terminada: {title}', body: 'A emergência "{title}" foi encerrada em {closedAt, date, long} às {closedAt, time, short}.' },
    plain: { subject: 'A emergência acabou', body: 'A emergência "{title}" acabou.' },
  },
  'role-term-ending': {
    standard: {
      subject: 'O seu mandato de {role} termina em breve',
      body: 'O seu mandato de {role} termina a {termEnd, date, long}. {renewable, select, true {Pode renová-lo ou passá-lo a outra pessoa.} other {Já cumpriu o máximo de mandatos seguidos: passe-o a outra pessoa.}}',
    },
    plain: {
      subject: 'O seu papel de {role} acaba em breve',
      body: 'É {role} até {termEnd, date, long}. {renewable, select, true {Pode continuar, ou dar o papel a outra pessoa.} other {Dê o papel a outra pessoa, por favor.}}',
    },
  },
  'coordinator-gap': {
    standard: {
      subject: 'O seu pod precisa de coordenação',
      body: '{hasGrace, select, true {O pod só tem coordenação até {graceUntil, date, long}.} other {O pod está sem coordenação.}} Ajude a encontrar alguém.',
    },
    plain: { subject: 'O pod precisa de coordenação', body: 'O seu pod precisa de alguém para coordenar. Pode ajudar a encontrar essa pessoa?' },
  },
  'webhook-endpoint-disabled': {
    standard: {
      subject: 'Webhook para {host} desativado',
      body: 'As entregas para {host} falharam {failures, plural, one {# vez} other {# vezes}} seguidas, por isso o endereço foi desativado. Corrija-o e volte a ativá-lo.',
    },
    plain: { subject: 'Ligação parada', body: 'Não conseguimos chegar a {host} {failures, plural, one {# vez} other {# vezes}}. Deixámos de enviar.' },
  },
  'sign-in-code': {
    standard: {
      subject: 'O seu código de entrada no Mutuo',
      body: 'O seu código de entrada é {code}. É válido até às {expiresAt, time, short}. Se não o pediu, ignore esta mensagem.',
    },
    plain: { subject: 'O seu código', body: 'O seu código é {code}. Use-o antes das {expiresAt, time, short}.' },
  },
  'contact-verification-code': {
    standard: { subject: 'Confirme o seu contacto', body: 'O seu código de confirmação é {code}. É válido até às {expiresAt, time, short}.' },
    plain: { subject: 'O seu código', body: 'O seu código é {code}. Use-o antes das {expiresAt, time, short}.' },
  },
  'phone-tree-call': {
    standard: {
      subject: 'Cadeia telefónica: confirme, por favor',
      body: 'A cadeia telefónica do seu pod foi ativada: {reason}. Confirme na aplicação{branchSize, plural, =0 {.} one {, depois ligue à # pessoa do seu ramo.} other {, depois ligue às # pessoas do seu ramo.}}',
    },
    plain: {
      subject: 'Cadeia telefónica: diga que recebeu',
      body: 'Cadeia telefónica: {reason}. Diga-nos que recebeu{branchSize, plural, =0 {.} one {. Depois ligue a # pessoa.} other {. Depois ligue a # pessoas.}}',
    },
  },
  digest: {
    standard: {
      subject: '{count, plural, one {# nova notificação} other {# novas notificações}}',
      body: 'Desde a última mensagem: {count, plural, one {# nova notificação} other {# novas notificações}}.\n{items}',
    },
    plain: {
      subject: '{count, plural, one {# mensagem nova} other {# mensagens novas}}',
      body: 'Tem {count, plural, one {# mensagem nova} other {# mensagens novas}}:\n{items}',
    },
  },
  'helper-suggested': {
    standard: {
      subject: '{urgency, select, emergency {Urgente: } other {}}Alguém perto de si precisa de ajuda',
      body: 'Alguém perto de si precisa de ajuda com {category, select, food {comida} groceries {compras} meals {refeições} housing {habitação} transport {transporte} childcare {cuidar de crianças} eldercare {cuidar de idosos} medical {saúde} money {dinheiro} skills {uma competência} errands {recados} emotional_support {apoio emocional} translation {tradução} administration {administração} other {outra coisa}}. Abra a aplicação para aceitar ou recusar.',
    },
    plain: {
      subject: 'Alguém perto precisa de ajuda',
      body: 'Alguém perto de si precisa de ajuda com {category, select, food {comida} groceries {compras} meals {refeições} housing {habitação} transport {transporte} childcare {cuidar de crianças} eldercare {cuidar de idosos} medical {saúde} money {dinheiro} skills {uma competência} errands {recados} emotional_support {apoio emocional} translation {tradução} administration {administração} other {outra coisa}}. Abra a aplicação. Diga sim ou não.',
    },
  },
  'match-withdrawn': {
    standard: {
      subject: 'A ligação para "{title}" foi retirada',
      body: '{withdrawnBy, select, requester {A pessoa que ia ajudar} helper {A pessoa que ia ajudar-lhe} other {Um coordenador}} retirou a ligação para "{title}". Não precisa de fazer nada; abra a aplicação para ver o que se segue.',
    },
    plain: { subject: 'Ligação parada', body: 'A ligação para "{title}" parou. Não precisa de fazer nada.' },
  },
  'disbursement-proposed': {
    standard: {
      subject: 'Um pagamento de {amount, number, money} precisa da sua aprovação',
      body: 'Foi proposto um pagamento de {amount, number, money} para {category, select, food {comida} groceries {compras} meals {refeições} housing {habitação} transport {transporte} childcare {cuidar de crianças} eldercare {cuidar de idosos} medical {saúde} money {dinheiro} skills {uma competência} errands {recados} emotional_support {apoio emocional} translation {tradução} administration {administração} other {outra coisa}} ({approvalsRequired, plural, one {# aprovação} other {# aprovações}} necessárias). {overBudget, select, true {Ultrapassa o orçamento deste mês para a categoria.} other {Está dentro do orçamento.}} Abra a aplicação para aprovar ou rejeitar.',
    },
    plain: {
      subject: 'Veja um pagamento',
      body: 'Alguém pede para pagar {amount, number, money} para {category, select, food {comida} groceries {compras} meals {refeições} housing {habitação} transport {transporte} childcare {cuidar de crianças} eldercare {cuidar de idosos} medical {saúde} money {dinheiro} skills {uma competência} errands {recados} emotional_support {apoio emocional} translation {tradução} administration {administração} other {outra coisa}}. {overBudget, select, true {É mais do que o orçamento.} other {Cabe no orçamento.}} Abra a aplicação. Diga sim ou não.',
    },
  },
  'budget-exceeded': {
    standard: {
      subject:
        'O orçamento para {category, select, food {comida} groceries {compras} meals {refeições} housing {habitação} transport {transporte} childcare {cuidar de crianças} eldercare {cuidar de idosos} medical {saúde} money {dinheiro} skills {uma competência} errands {recados} emotional_support {apoio emocional} translation {tradução} administration {administração} other {outra coisa}} foi ultrapassado',
      body: 'Este mês estão comprometidos {committed, number, money} para {category, select, food {comida} groceries {compras} meals {refeições} housing {habitação} transport {transporte} childcare {cuidar de crianças} eldercare {cuidar de idosos} medical {saúde} money {dinheiro} skills {uma competência} errands {recados} emotional_support {apoio emocional} translation {tradução} administration {administração} other {outra coisa}}, acima do orçamento de {budget, number, money}. Reveja as propostas.',
    },
    plain: {
      subject: 'Orçamento gasto',
      body: 'O dinheiro para {category, select, food {comida} groceries {compras} meals {refeições} housing {habitação} transport {transporte} childcare {cuidar de crianças} eldercare {cuidar de idosos} medical {saúde} money {dinheiro} skills {uma competência} errands {recados} emotional_support {apoio emocional} translation {tradução} administration {administração} other {outra coisa}} este mês acabou. São {committed, number, money}. O orçamento é {budget, number, money}.',
    },
  },
  'request-fulfilled': {
    standard: {
      subject: 'Obrigado pela sua ajuda',
      body: 'Obrigado: o pedido de {category, select, food {comida} groceries {compras} meals {refeições} housing {habitação} transport {transporte} childcare {cuidar de crianças} eldercare {cuidar de idosos} medical {saúde} money {dinheiro} skills {uma competência} errands {recados} emotional_support {apoio emocional} translation {tradução} administration {administração} other {outra coisa}} está cumprido. Deu {hours, plural, one {# hora} other {# horas}}.',
    },
    plain: { subject: 'Obrigado', body: 'Obrigado pela ajuda. Deu {hours, plural, one {# hora} other {# horas}}.' },
  },
};

const es: TemplateSet = {
  welcome: {
    standard: {
      subject: 'Te damos la bienvenida, {name}',
      body: 'Te damos la bienvenida al pod, {name}. Pide ayuda cuando la necesites, ofrécela cuando puedas.',
    },
    plain: { subject: 'Hola, {name}', body: 'Hola, {name}. Puedes pedir ayuda. También puedes ayudar.' },
  },
  'request-posted': {
    standard: { subject: 'Tu solicitud está publicada', body: 'Tu solicitud "{title}" está publicada. La gente de tu pod ya puede verla.' },
    plain: { subject: 'Solicitud publicada', body: 'Publicamos tu solicitud "{title}". La gente cerca de ti ya la ve.' },
  },
  'match-made': {
    standard: {
      subject: 'Hay alguien para "{title}"',
      body: '{role, select, helper {Aceptaste ayudar a {otherAnonymous, select, true {una persona vecina} other {{otherName}}} con "{title}".} other {{otherName} te ayudará con "{title}".}} Abre la aplicación para acordar los detalles.',
    },
    plain: {
      subject: 'Ayuda para "{title}"',
      body: '{role, select, helper {Vas a ayudar a {otherAnonymous, select, true {una persona vecina} other {{otherName}}}.} other {{otherName} te va a ayudar.}} Es sobre "{title}". Mira los detalles en la aplicación.',
    },
  },
  'incident-declared': {
    standard: {
      subject: 'Emergencia: {title}',
      body: 'Se declaró una emergencia en tu zona a las {declaredAt, time, short} del {declaredAt, date, long}: {title}. {severity, select, extreme {Peligro para la vida: sigue ya las instrucciones oficiales.} severe {Peligro grave: prepárate para actuar.} other {Mantente informado/a.}}',
    },
    plain: {
      subject: 'Emergencia cerca de ti',
      body: 'Emergencia cerca de ti: {title}. {severity, select, extreme {Tu vida puede estar en peligro. Haz ya lo que dicen las autoridades.} severe {Es grave. Prepárate.} other {Atento/a a las noticias.}}',
    },
  },
  'incident-closed': {
    standard: { subject: 'Emergencia terminada: {title}', body: 'La emergencia "{title}" se cerró el {closedAt, date, long} a las {closedAt, time, short}.' },
    plain: { subject: 'La emergencia terminó', body: 'La emergencia "{title}" terminó.' },
  },
  'role-term-ending': {
    standard: {
      subject: 'Tu mandato de {role} termina pronto',
      body: 'Tu mandato de {role} termina el {termEnd, date, long}. {renewable, select, true {Puedes renovarlo o pasarlo a otra persona.} other {Ya cumpliste el máximo de mandatos seguidos: pásalo a otra persona.}}',
    },
    plain: {
      subject: 'Tu papel de {role} acaba pronto',
      body: 'Eres {role} hasta el {termEnd, date, long}. {renewable, select, true {Puedes seguir, o dar el papel a otra persona.} other {Por favor, da el papel a otra persona.}}',
    },
  },
  'coordinator-gap': {
    standard: {
      subject: 'Tu pod necesita coordinación',
      body: '{hasGrace, select, true {El pod solo tiene coordinación hasta el {graceUntil, date, long}.} other {El pod no tiene coordinación ahora.}} Ayuda a encontrar a alguien.',
    },
    plain: { subject: 'El pod necesita coordinación', body: 'Tu pod necesita a alguien que coordine. ¿Puedes ayudar a encontrar a esa persona?' },
  },
  'webhook-endpoint-disabled': {
    standard: {
      subject: 'Webhook a {host} desactivado',
      body: 'Las entregas a {host} fallaron {failures, plural, one {# vez} other {# veces}} seguidas, así que se desactivó la dirección. Corrígela y vuelve a activarla.',
    },
    plain: { subject: 'Conexión parada', body: 'No pudimos llegar a {host} {failures, plural, one {# vez} other {# veces}}. Dejamos de enviar.' },
  },
  'sign-in-code': {
    standard: {
      subject: 'Tu código para entrar en Mutuo',
      body: 'Tu código para entrar es {code}. Vale hasta las {expiresAt, time, short}. Si no lo pediste, ignora este mensaje.',
    },
    plain: { subject: 'Tu código', body: 'Tu código es {code}. Úsalo antes de las {expiresAt, time, short}.' },
  },
  'contact-verification-code': {
    standard: { subject: 'Confirma tu contacto', body: 'Tu código de confirmación es {code}. Vale hasta las {expiresAt, time, short}.' },
    plain: { subject: 'Tu código', body: 'Tu código es {code}. Úsalo antes de las {expiresAt, time, short}.' },
  },
  'phone-tree-call': {
    standard: {
      subject: 'Cadena telefónica: confirma, por favor',
      body: 'La cadena telefónica de tu pod está activa: {reason}. Confirma en la aplicación{branchSize, plural, =0 {.} one {, luego llama a la # persona de tu rama.} other {, luego llama a las # personas de tu rama.}}',
    },
    plain: {
      subject: 'Cadena telefónica: di que lo recibiste',
      body: 'Cadena telefónica: {reason}. Dinos que lo recibiste{branchSize, plural, =0 {.} one {. Luego llama a # persona.} other {. Luego llama a # personas.}}',
    },
  },
  digest: {
    standard: {
      subject: '{count, plural, one {# notificación nueva} other {# notificaciones nuevas}}',
      body: 'Desde tu último mensaje: {count, plural, one {# notificación nueva} other {# notificaciones nuevas}}.\n{items}',
    },
    plain: {
      subject: '{count, plural, one {# mensaje nuevo} other {# mensajes nuevos}}',
      body: 'Tienes {count, plural, one {# mensaje nuevo} other {# mensajes nuevos}}:\n{items}',
    },
  },
  'helper-suggested': {
    standard: {
      subject: '{urgency, select, emergency {Urgente: } other {}}Alguien cerca necesita ayuda',
      body: 'Alguien cerca necesita ayuda con {category, select, food {comida} groceries {compras} meals {comidas preparadas} housing {vivienda} transport {transporte} childcare {cuidado de niños} eldercare {cuidado de mayores} medical {salud} money {dinero} skills {una habilidad} errands {recados} emotional_support {apoyo emocional} translation {traducción} administration {administración} other {otra cosa}}. Abre la aplicación para aceptar o rechazar.',
    },
    plain: {
      subject: 'Alguien cerca necesita ayuda',
      body: 'Alguien cerca de ti necesita ayuda con {category, select, food {comida} groceries {compras} meals {comidas preparadas} housing {vivienda} transport {transporte} childcare {cuidado de niños} eldercare {cuidado de mayores} medical {salud} money {dinero} skills {una habilidad} errands {recados} emotional_support {apoyo emocional} translation {traducción} administration {administración} other {otra cosa}}. Abre la aplicación. Di sí o no.',
    },
  },
  'match-withdrawn': {
    standard: {
      subject: 'Se retiró el acuerdo para "{title}"',
      body: '{withdrawnBy, select, requester {La persona a la que ibas a ayudar} helper {La persona que iba a ayudarte} other {Un coordinador}} retiró el acuerdo para "{title}". No tienes que hacer nada; abre la aplicación para ver qué sigue.',
    },
    plain: { subject: 'Acuerdo parado', body: 'El acuerdo para "{title}" se paró. No tienes que hacer nada.' },
  },
  'disbursement-proposed': {
    standard: {
      subject: 'Un pago de {amount, number, money} necesita tu aprobación',
      body: 'Se propuso un pago de {amount, number, money} para {category, select, food {comida} groceries {compras} meals {comidas preparadas} housing {vivienda} transport {transporte} childcare {cuidado de niños} eldercare {cuidado de mayores} medical {salud} money {dinero} skills {una habilidad} errands {recados} emotional_support {apoyo emocional} translation {traducción} administration {administración} other {otra cosa}} ({approvalsRequired, plural, one {# aprobación} other {# aprobaciones}} necesarias). {overBudget, select, true {Supera el presupuesto de este mes para la categoría.} other {Está dentro del presupuesto.}} Abre la aplicación para aprobarlo o rechazarlo.',
    },
    plain: {
      subject: 'Revisa un pago',
      body: 'Alguien pide pagar {amount, number, money} para {category, select, food {comida} groceries {compras} meals {comidas preparadas} housing {vivienda} transport {transporte} childcare {cuidado de niños} eldercare {cuidado de mayores} medical {salud} money {dinero} skills {una habilidad} errands {recados} emotional_support {apoyo emocional} translation {traducción} administration {administración} other {otra cosa}}. {overBudget, select, true {Es más que el presupuesto.} other {Cabe en el presupuesto.}} Abre la aplicación. Di sí o no.',
    },
  },
  'budget-exceeded': {
    standard: {
      subject:
        'Se superó el presupuesto de {category, select, food {comida} groceries {compras} meals {comidas preparadas} housing {vivienda} transport {transporte} childcare {cuidado de niños} eldercare {cuidado de mayores} medical {salud} money {dinero} skills {una habilidad} errands {recados} emotional_support {apoyo emocional} translation {traducción} administration {administración} other {otra cosa}}',
      body: 'Este mes hay {committed, number, money} comprometidos para {category, select, food {comida} groceries {compras} meals {comidas preparadas} housing {vivienda} transport {transporte} childcare {cuidado de niños} eldercare {cuidado de mayores} medical {salud} money {dinero} skills {una habilidad} errands {recados} emotional_support {apoyo emocional} translation {traducción} administration {administración} other {otra cosa}}, por encima del presupuesto de {budget, number, money}. Revisa las propuestas.',
    },
    plain: {
      subject: 'Presupuesto gastado',
      body: 'El dinero para {category, select, food {comida} groceries {compras} meals {comidas preparadas} housing {vivienda} transport {transporte} childcare {cuidado de niños} eldercare {cuidado de mayores} medical {salud} money {dinero} skills {una habilidad} errands {recados} emotional_support {apoyo emocional} translation {traducción} administration {administración} other {otra cosa}} de este mes se acabó. Son {committed, number, money}. El presupuesto es {budget, number, money}.',
    },
  },
  'request-fulfilled': {
    standard: {
      subject: 'Gracias por ayudar',
      body: 'Gracias: la solicitud de {category, select, food {comida} groceries {compras} meals {comidas preparadas} housing {vivienda} transport {transporte} childcare {cuidado de niños} eldercare {cuidado de mayores} medical {salud} money {dinero} skills {una habilidad} errands {recados} emotional_support {apoyo emocional} translation {traducción} administration {administración} other {otra cosa}} está cumplida. Diste {hours, plural, one {# hora} other {# horas}}.',
    },
    plain: { subject: 'Gracias', body: 'Gracias por tu ayuda. Diste {hours, plural, one {# hora} other {# horas}}.' },
  },
};

export const SHIPPED_TEMPLATES: Record<ShippedLocale, TemplateSet> = { en, pt, es };
