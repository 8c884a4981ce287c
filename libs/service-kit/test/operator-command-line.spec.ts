import { dropDatabase, withDatabase } from '@mutuo/platform';
import { TEST_POSTGRES_URL, uniqueSuffix } from '@mutuo/testing';
import { runOperatorCommand, type OperatorCommandGroup, type OperatorIo } from '../src';
import { clockService } from './fixtures/clock-service';
import { kitService as definition } from './fixtures/kit-service';

/** The terminal as a test sees it: what was printed, and the answers it gives when asked. */
function recordingIo(answers: boolean[] = []): OperatorIo & { readonly out_: string[]; readonly err_: string[]; readonly asked: string[] } {
  const out_: string[] = [];
  const err_: string[] = [];
  const asked: string[] = [];
  return {
    out_,
    err_,
    asked,
    out: (line) => out_.push(line),
    err: (line) => err_.push(line),
    ask: (question) => {
      asked.push(question);
      return Promise.resolve(answers.shift() ?? false);
    },
  };
}

describe('operator command line: confirmation and usage', () => {
  let changes = 0;
  const counter: OperatorCommandGroup = {
    name: 'counter',
    summary: 'counts',
    actions: [
      {
        name: 'bump',
        summary: 'adds one',
        changesData: true,
        run: (context) => {
          changes += Number(context.args.flags['by'] ?? 1);
          return Promise.resolve(0);
        },
      },
      { name: 'show', summary: 'prints', changesData: false, run: (context) => (context.io.out(String(changes)), Promise.resolve(0)) },
    ],
  };
  const run = (argv: string[], io: OperatorIo, interactive = false) => runOperatorCommand(definition, argv, { io, groups: [counter], interactive, env: {} });

  beforeEach(() => (changes = 0));

  it('refuses an action that changes data without --yes when nobody can answer', async () => {
    const io = recordingIo();
    expect(await run(['counter', 'bump'], io)).toBe(2);
    expect(changes).toBe(0);
    expect(io.err_.join('\n')).toContain('run it again with --yes to confirm');
  });

  it('asks at a terminal and changes nothing unless the answer is yes', async () => {
    const declined = recordingIo([false]);
    expect(await run(['counter', 'bump'], declined, true)).toBe(2);
    expect(declined.asked).toHaveLength(1);
    expect(changes).toBe(0);

    const accepted = recordingIo([true]);
    expect(await run(['counter', 'bump', '--by=3'], accepted, true)).toBe(0);
    expect(changes).toBe(3);
  });

  it('runs with --yes without asking, and runs reading actions without confirmation', async () => {
    const io = recordingIo();
    expect(await run(['counter', 'bump', '--yes'], io)).toBe(0);
    expect(await run(['counter', 'show'], io)).toBe(0);
    expect(io.asked).toEqual([]);
    expect(io.out_).toEqual(['1']);
  });

  it('explains unknown groups and actions with exit code 2, and help with 0', async () => {
    const io = recordingIo();
    expect(await run(['nope'], io)).toBe(2);
    expect(io.err_.join('\n')).toContain('usage: mutuo kit <group> <action>');
    expect(await run(['counter', 'nope'], io)).toBe(2);
    expect(io.err_.join('\n')).toContain('counter bump');
    expect(await run(['help'], recordingIo())).toBe(0);
  });

  it('reports a malformed configuration variable as one line, not a stack trace', async () => {
    const io = recordingIo();
    const code = await runOperatorCommand(definition, ['migrations', 'status'], { io, env: { DATABASE_ADMIN_URL: 'mysql://x/y' }, interactive: false });
    expect(code).toBe(2);
    expect(io.err_).toEqual([expect.stringMatching(/^kit: .*DATABASE_ADMIN_URL must be a postgres:\/\/ URL/)]);
  });
});

describe('operator command line: migrations, against the real PostgreSQL', () => {
  const database = `mutuo_clock_test_${uniqueSuffix()}`;
  const env = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_ADMIN_URL: withDatabase(TEST_POSTGRES_URL, database),
    DATABASE_URL: (() => {
      const url = new URL(withDatabase(TEST_POSTGRES_URL, database));
      url.username = 'mutuo_clock_app';
      return url.toString();
    })(),
  };
  const run = (argv: string[], io: OperatorIo) => runOperatorCommand(clockService, argv, { io, env, interactive: false });

  afterAll(() => dropDatabase(TEST_POSTGRES_URL, database));

  it('shows every migration pending before the database exists, applies them only with --yes, then shows none pending', async () => {
    const before = recordingIo();
    expect(await run(['migrations', 'status'], before)).toBe(3);
    expect(before.out_[0]).toBe(`database ${database} does not exist yet`);
    expect(before.out_.filter((line) => line.includes('pending')).length).toBeGreaterThan(1);

    expect(await run(['migrations', 'apply'], recordingIo())).toBe(2);
    expect(await run(['migrations', 'status'], recordingIo())).toBe(3);

    const apply = recordingIo();
    expect([await run(['migrations', 'apply', '--yes'], apply), apply.err_]).toEqual([0, []]);
    expect(apply.out_[0]).toMatch(/^applied /);

    const after = recordingIo();
    expect(await run(['migrations', 'status', '--json'], after)).toBe(0);
    const status = JSON.parse(after.out_.join('\n')) as { databaseExists: boolean; pending: string[]; executed: { name: string }[] };
    expect(status).toMatchObject({ databaseExists: true, pending: [] });
    expect(status.executed.length).toBeGreaterThan(0);

    const again = recordingIo();
    expect(await run(['migrations', 'apply', '--yes'], again)).toBe(0);
    expect(again.out_).toEqual(['schema up to date']);
  });
});
