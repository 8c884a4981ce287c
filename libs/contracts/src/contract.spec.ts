import { z } from 'zod';
import { ContractValidationError, defineContract, parseContractType } from './contract';

describe('defineContract', () => {
  const GreetingSentV2 = defineContract({
    service: 'greetings',
    name: 'greeting-sent',
    version: 2,
    schema: z.object({ to: z.string().min(1), times: z.number().int().min(1), tags: z.array(z.string().max(3)) }),
  });

  it('names the type <service>.<name>.v<version>', () => {
    expect(GreetingSentV2.type).toBe('greetings.greeting-sent.v2');
    expect(GreetingSentV2).toMatchObject({ service: 'greetings', name: 'greeting-sent', version: 2 });
  });

  it('returns valid data as the schema outputs it, without unknown fields', () => {
    const result = GreetingSentV2.parse({ to: 'Ana', times: 1, tags: [], extra: true });
    expect(result).toEqual({ ok: true, data: { to: 'Ana', times: 1, tags: [] } });
  });

  it('lists every invalid field by its path', () => {
    const result = GreetingSentV2.parse({ to: '', times: 1.5, tags: ['ok', 'toolong'] });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(ContractValidationError);
    expect(result.error.issues.map((issue) => issue.path)).toEqual(['to', 'times', 'tags[1]']);
    expect(result.error.message).toMatch(/^Invalid greetings\.greeting-sent\.v2 data: to: .+; times: .+; tags\[1\]: .+/);
  });

  it('refuses a control character, lone surrogate or noncharacter in any string, even one its schema leaves open', () => {
    for (const [data, path] of [
      [{ to: 'a\u0000b', times: 1, tags: [] }, 'to'],
      [{ to: 'Ana', times: 1, tags: ['ok', '\u0008'] }, 'tags[1]'],
      [{ to: 'Ana\uDFFF', times: 1, tags: [] }, 'to'],
      [{ to: 'Ana', times: 1, tags: [], extra: { note: '\uFFFF' } }, 'extra.note'],
    ] as const) {
      const result = GreetingSentV2.parse(data);
      expect(!result.ok && result.error.issues).toEqual([{ path, message: expect.stringMatching(/control character|lone surrogate|noncharacter/) }]);
    }
    expect(GreetingSentV2.parse({ to: 'Ana\n\tand Bo 🌍', times: 1, tags: [] }).ok).toBe(true);
  });

  it('reports a value that is not an object at the root', () => {
    const result = GreetingSentV2.parse('hello');
    expect(!result.ok && result.error.issues[0]?.path).toBe('(root)');
  });

  it('assert throws the validation error and returns valid data', () => {
    expect(() => GreetingSentV2.assert({})).toThrow(ContractValidationError);
    expect(GreetingSentV2.assert({ to: 'Bo', times: 2, tags: ['a'] })).toEqual({ to: 'Bo', times: 2, tags: ['a'] });
  });

  it('refuses names that would not be safe subject tokens', () => {
    const schema = z.object({});
    expect(() => defineContract({ service: 'Greetings', name: 'x', version: 1, schema })).toThrow(/service "Greetings" must be kebab-case/);
    expect(() => defineContract({ service: 'greetings', name: 'greeting.sent', version: 1, schema })).toThrow(/name "greeting.sent"/);
    expect(() => defineContract({ service: 'greetings', name: 'sent', version: 0, schema })).toThrow(/positive integer/);
    expect(() => defineContract({ service: 'greetings', name: 'sent', version: 1.5, schema })).toThrow(/positive integer/);
  });
});

describe('parseContractType', () => {
  it('splits a well-formed type', () => {
    expect(parseContractType('requests.request-posted.v12')).toEqual({ service: 'requests', name: 'request-posted', version: 12 });
  });

  it.each(['requests.request-posted', 'requests.request-posted.v0', 'Requests.x.v1', 'a.b.c.v1', 'a.b.v1 ', '', 'a..v1'])('rejects %p', (type) =>
    expect(parseContractType(type)).toBeNull(),
  );
});
