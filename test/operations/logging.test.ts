import { expect } from 'chai';
import { Writable } from 'node:stream';
import { configureLogger, createLogger } from '../../provider/logger.ts';
import { testEnvironment } from '../support/environment.ts';
import { codeFrom } from '../support/mail.ts';
import { signInFully } from '../support/relying-party.ts';
import { createTenant, PASSWORD } from '../support/tenants.ts';

/** Log lines as an operator's collector would read them. */
function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: createLogger('info', destination), lines, destination };
}

describe('structured logs', function () {
  it('hide passwords, codes, tokens and cookies wherever the product logs them', function () {
    const { log, lines } = capture();
    log.info({ password: 'hunter2', code: '123456', token: 'tok', cookie: 'c=1' }, 'top level');
    log.info(
      {
        params: { code: 'authorization-code', client_secret: 'shh' },
        body: { code: '654321', password: 'hunter2' },
        query: { code: 'authorization-code' },
        tokens: { access_token: 'at', refresh_token: 'rt', id_token: 'it' },
        req: { headers: { cookie: 'session=1', authorization: 'Bearer at' } },
      },
      'nested',
    );
    const written = JSON.stringify(lines);
    for (const secret of [
      'hunter2',
      '123456',
      '654321',
      'authorization-code',
      'shh',
      'tok',
      'at',
    ]) {
      expect(written).to.not.match(new RegExp(`"${secret}"`));
    }
    expect(written).to.not.contain('session=1');
    expect(written).to.not.contain('Bearer');
    expect(lines[1]!.params).to.deep.equal({ code: '[Redacted]', client_secret: '[Redacted]' });
  });

  it('keep what an operator needs: error codes and the stable fields', function () {
    const { log, lines } = capture();
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:25'), {
      code: 'ECONNREFUSED',
    });
    log.error(
      { err: refused, tenant: 'acme', interaction: 'uid-1', client: 'crm', account: 'a-1' },
      'Could not send an email code',
    );
    log.info({ refusal: 'interaction_expired', tenant: 'acme' }, 'Refused a request');
    const [failure, refusal] = lines;
    expect((failure!.err as { code: string }).code).to.equal('ECONNREFUSED');
    expect(failure).to.include({
      tenant: 'acme',
      interaction: 'uid-1',
      client: 'crm',
      account: 'a-1',
    });
    expect(failure!.level).to.equal(50);
    expect(refusal!.refusal).to.equal('interaction_expired');
  });

  it('tell a whole sign-in with the stable fields, and never its code or password', async function () {
    const everyone = { method: 'all', effectiveFrom: '2026-01-01T00:00:00Z' };
    const user = { username: 'wim', email: 'wim@logs.example' };
    const { id, rp } = await createTenant({ twoFactor: everyone, users: [user] });
    const { inbox } = testEnvironment();
    const { lines, destination } = capture();
    configureLogger('info', destination);
    let signedIn;
    try {
      signedIn = await signInFully(rp, inbox, { ...user, password: PASSWORD });
    } finally {
      configureLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
    }
    const sent = lines.find((line) => line.msg === 'Sent an email code');
    expect(sent).to.include({ tenant: id });
    expect(sent!.interaction).to.be.a('string');
    expect(sent!.account).to.equal(signedIn.tokens.claims()!.sub);
    const issued = lines.find((line) => line.event === 'grant.success');
    expect(issued).to.include({ tenant: id, client: 'workplace' });
    expect(issued!.account).to.equal(signedIn.tokens.claims()!.sub);

    const written = JSON.stringify(lines);
    const code = codeFrom(await inbox.latestTo(user.email));
    // On its own, not as digits inside a timestamp or a process id.
    expect(written).to.not.match(new RegExp(`\\b${code}\\b`));
    expect(written).to.not.contain(PASSWORD);
    expect(written).to.not.contain(signedIn.tokens.access_token);
  });
});
