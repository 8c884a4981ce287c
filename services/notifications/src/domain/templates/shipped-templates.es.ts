import type { TemplateSet } from './shipped-templates';

/** The shipped templates in Spanish: one file per language, so a translation is reviewed on its own. */
export const es: TemplateSet = {
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
  'proposal-opened': {
    standard: {
      subject: '{round, plural, =1 {Nueva propuesta} other {Propuesta modificada}}: {title}',
      body: '{round, plural, =1 {Tu grupo tiene una nueva propuesta} other {Se modificó una propuesta de tu grupo}}: «{title}». Puedes votar hasta el {deadline, date, long}. Abre la aplicación para leerla y votar.',
    },
    plain: { subject: 'Vota, por favor: {title}', body: 'Tu grupo te pide decidir: «{title}». Vota antes del {deadline, date, long}. Abre la aplicación.' },
  },
  'proposal-deadline-near': {
    standard: {
      subject: 'Queda un día para votar: {title}',
      body: 'La votación de «{title}» termina el {deadline, date, long}. Si aún no votaste, o quieres cambiar tu voto, abre la aplicación.',
    },
    plain: { subject: 'Vota pronto: {title}', body: 'Puedes votar «{title}» hasta el {deadline, date, long}. Abre la aplicación.' },
  },
  'proposal-decided': {
    standard: {
      subject: 'Decidido: {title}',
      body: '«{title}» {outcome, select, passed {se aprobó} rejected {no se aprobó} blocked {fue bloqueada} no_quorum {no alcanzó el quórum} other {se decidió}}. Votaron {votesCast} de {electorateSize} miembros. Abre la aplicación para ver el recuento.',
    },
    plain: {
      subject: 'Resultado: {title}',
      body: '«{title}»: {outcome, select, passed {sí, sigue adelante} rejected {no} blocked {no, alguien la bloqueó} no_quorum {votó muy poca gente} other {decidido}}. Votaron {votesCast} de {electorateSize} personas.',
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
