import type { TemplateSet } from './shipped-templates';

/** The shipped templates in Portuguese: one file per language, so a translation is reviewed on its own. */
export const pt: TemplateSet = {
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
  'proposal-opened': {
    standard: {
      subject: '{round, plural, =1 {Nova proposta} other {Proposta alterada}}: {title}',
      body: '{round, plural, =1 {O seu grupo tem uma nova proposta} other {Uma proposta do seu grupo foi alterada}}: «{title}». Pode votar até {deadline, date, long}. Abra a aplicação para a ler e votar.',
    },
    plain: { subject: 'Vote, por favor: {title}', body: 'O seu grupo pede-lhe que decida: «{title}». Vote antes de {deadline, date, long}. Abra a aplicação.' },
  },
  'proposal-deadline-near': {
    standard: {
      subject: 'Falta um dia para votar: {title}',
      body: 'A votação de «{title}» termina a {deadline, date, long}. Se ainda não votou, ou quer mudar o seu voto, abra a aplicação.',
    },
    plain: { subject: 'Vote em breve: {title}', body: 'Pode votar «{title}» até {deadline, date, long}. Abra a aplicação.' },
  },
  'proposal-decided': {
    standard: {
      subject: 'Decidido: {title}',
      body: '«{title}» {outcome, select, passed {foi aprovada} rejected {não foi aprovada} blocked {foi bloqueada} no_quorum {não atingiu o quórum} other {foi decidida}}. Votaram {votesCast} de {electorateSize} membros. Abra a aplicação para ver a contagem.',
    },
    plain: {
      subject: 'Resultado: {title}',
      body: '«{title}»: {outcome, select, passed {sim, vai avançar} rejected {não} blocked {não, alguém bloqueou} no_quorum {votaram poucas pessoas} other {decidido}}. Votaram {votesCast} de {electorateSize} pessoas.',
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
