import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from '../../provider/config.ts';

const cli = fileURLToPath(new URL('../../bin/idp.js', import.meta.url));

function problemWith(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  return 'accepted';
}

describe('configuration from the environment', function () {
  it('stops start-up with one line naming the variable that is wrong', function () {
    const result = spawnSync(process.execPath, [cli, 'serve'], {
      env: { ...process.env, PORT: 'eighty', MONGODB_URI: '' },
      encoding: 'utf8',
    });
    expect(result.status).to.equal(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(/^Invalid configuration: PORT: /);
  });

  it('names each invalid variable', function () {
    expect(problemWith({ PORT: '70000' })).to.match(/^PORT: /);
    expect(problemWith({ MONGODB_URI: 'postgres://x' })).to.match(/^MONGODB_URI: /);
    expect(problemWith({ SMTP_URL: 'http://mail' })).to.match(/^SMTP_URL: /);
    expect(problemWith({ PUBLIC_URL: 'not a url' })).to.match(/^PUBLIC_URL: /);
    expect(problemWith({ COOKIE_KEYS: 'short' })).to.match(/^COOKIE_KEYS: /);
    expect(problemWith({ TRUST_PROXY: 'yes' })).to.match(/^TRUST_PROXY: /);
  });

  it('requires real secrets in production', function () {
    expect(problemWith({ NODE_ENV: 'production' })).to.match(/^COOKIE_KEYS: is required/);
    expect(problemWith({ NODE_ENV: 'production', COOKIE_KEYS: 'k'.repeat(32) })).to.match(
      /^CODE_HASH_SECRET: /,
    );
  });

  it('defaults to the embedded services and a localhost public URL', function () {
    const config = loadConfig({});
    expect(config.port).to.equal(3000);
    expect(config.publicUrl).to.equal('http://localhost:3000');
    expect(config.mongodbUri).to.equal(undefined);
    expect(config.smtpUrl).to.equal(undefined);
    expect(config.host).to.equal('127.0.0.1');
  });
});
