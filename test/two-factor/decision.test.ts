import { expect } from 'chai';
import {
  decideEmailCode,
  type Decision,
  type DecisionInput,
  type DecisionReason,
  type TwoFactorPolicy,
} from '../../provider/two-factor/decision.ts';

const NOW = new Date('2026-06-01T12:00:00Z');
const PAST = new Date('2026-01-01T07:00:00Z');
const FUTURE = new Date('2027-01-01T07:00:00Z');
const CLIENT = 'workplace';

/** One value per dimension, named, so a failure says which combination broke. */
interface Case {
  signIn: 'password' | 'federated';
  type: 'standard' | 'partner';
  policy: 'unreadable' | 'off' | 'all' | 'group';
  effectiveFrom: 'past' | 'future' | 'absent';
  clients: 'absent' | 'containing' | 'not-containing';
  group: 'direct' | 'via-profile' | 'neither' | 'both';
  clientRequestsCode: boolean;
}

const dimensions = {
  signIn: ['password', 'federated'],
  type: ['standard', 'partner'],
  policy: ['unreadable', 'off', 'all', 'group'],
  effectiveFrom: ['past', 'future', 'absent'],
  clients: ['absent', 'containing', 'not-containing'],
  group: ['direct', 'via-profile', 'neither', 'both'],
  clientRequestsCode: [true, false],
} as const satisfies { [K in keyof Case]: readonly Case[K][] };

function allCases(): Case[] {
  let cases: Array<Partial<Case>> = [{}];
  for (const [key, values] of Object.entries(dimensions)) {
    cases = cases.flatMap((partial) =>
      (values as readonly unknown[]).map((value) => ({ ...partial, [key]: value })),
    );
  }
  return cases as Case[];
}

function inputOf(c: Case): DecisionInput {
  const policy: TwoFactorPolicy | undefined =
    c.policy === 'unreadable'
      ? undefined
      : {
          method: c.policy,
          group: c.policy === 'group' ? '2FA' : undefined,
          effectiveFrom: { past: PAST, future: FUTURE, absent: undefined }[c.effectiveFrom],
          clients: {
            absent: undefined,
            containing: ['facility-desk', CLIENT],
            'not-containing': ['facility-desk'],
          }[c.clients],
        };
  return {
    policy,
    account: {
      type: c.type,
      groups: c.group === 'direct' || c.group === 'both' ? ['reception', '2FA'] : ['reception'],
      profileGroups: c.group === 'via-profile' || c.group === 'both' ? ['2FA'] : ['reporting'],
    },
    clientId: CLIENT,
    signIn: c.signIn,
    clientRequestsCode: c.clientRequestsCode,
    now: NOW,
  };
}

/**
 * DESIGN.md's rules as an ordered list over the named facts, kept apart from the product's
 * branching so that a reordered or missing branch there shows up as a difference here.
 */
const rules: Array<[DecisionReason, boolean, (c: Case) => boolean]> = [
  ['federated-login', false, (c) => c.signIn === 'federated'],
  ['partner-account', false, (c) => c.type === 'partner'],
  ['policy-unreadable', true, (c) => c.policy === 'unreadable'],
  ['client-requested', true, (c) => c.clientRequestsCode],
  ['policy-off', false, (c) => c.policy === 'off'],
  ['not-yet-effective', false, (c) => c.effectiveFrom === 'future'],
  ['client-not-in-scope', false, (c) => c.clients === 'not-containing'],
  ['all-users', true, (c) => c.policy === 'all'],
  ['group-direct', true, (c) => c.group === 'direct' || c.group === 'both'],
  ['group-via-profile', true, (c) => c.group === 'via-profile'],
  ['not-in-group', false, () => true],
];

function expected(c: Case): Decision {
  const [reason, required] = rules.find(([, , applies]) => applies(c))!;
  return { required, reason };
}

const standardPassword: DecisionInput = {
  policy: { method: 'group', group: '2FA', effectiveFrom: PAST },
  account: { type: 'standard', groups: [], profileGroups: [] },
  clientId: CLIENT,
  signIn: 'password',
  clientRequestsCode: false,
  now: NOW,
};

function row(overrides: Partial<DecisionInput>): DecisionInput {
  return { ...standardPassword, ...overrides };
}

const inGroup = { type: 'standard' as const, groups: ['2FA'], profileGroups: ['2FA'] };

// Literal answers, so that the ordered list above cannot agree with a wrong product by
// sharing its mistake.
const table: Array<[string, DecisionInput, Decision]> = [
  [
    'a federated login is never asked, even when the client asks and the user holds the group',
    row({ signIn: 'federated', account: inGroup, clientRequestsCode: true }),
    { required: false, reason: 'federated-login' },
  ],
  [
    'a federated login is not asked when the policy cannot be read',
    row({ signIn: 'federated', policy: undefined }),
    { required: false, reason: 'federated-login' },
  ],
  [
    'a federated Partner account is reported as federated',
    row({ signIn: 'federated', account: { ...inGroup, type: 'partner' } }),
    { required: false, reason: 'federated-login' },
  ],
  [
    'a Partner account is not asked when the policy cannot be read',
    row({ policy: undefined, account: { ...inGroup, type: 'partner' } }),
    { required: false, reason: 'partner-account' },
  ],
  [
    'a Partner account is not asked when the client asks for a second factor',
    row({
      policy: { method: 'all' },
      account: { ...inGroup, type: 'partner' },
      clientRequestsCode: true,
    }),
    { required: false, reason: 'partner-account' },
  ],
  [
    'an unreadable policy requires the code even when the client does not ask',
    row({ policy: undefined }),
    { required: true, reason: 'policy-unreadable' },
  ],
  [
    'an unreadable policy is reported before the client request',
    row({ policy: undefined, clientRequestsCode: true }),
    { required: true, reason: 'policy-unreadable' },
  ],
  [
    'a group policy that names no group fails closed',
    row({ policy: { method: 'group', effectiveFrom: PAST } }),
    { required: true, reason: 'policy-unreadable' },
  ],
  [
    'a client asking for a second factor gets it on a tenant with the policy off',
    row({ policy: { method: 'off' }, clientRequestsCode: true }),
    { required: true, reason: 'client-requested' },
  ],
  [
    'a client asking for a second factor gets it before the policy starts',
    row({ policy: { method: 'all', effectiveFrom: FUTURE }, clientRequestsCode: true }),
    { required: true, reason: 'client-requested' },
  ],
  [
    'a client outside the policy that asks for a second factor gets it',
    row({ policy: { method: 'all', clients: ['facility-desk'] }, clientRequestsCode: true }),
    { required: true, reason: 'client-requested' },
  ],
  [
    'the policy off asks nobody, whatever groups the user holds',
    row({ policy: { method: 'off', group: '2FA' }, account: inGroup }),
    { required: false, reason: 'policy-off' },
  ],
  [
    'the policy off is reported before a start date in the future',
    row({ policy: { method: 'off', effectiveFrom: FUTURE, clients: ['facility-desk'] } }),
    { required: false, reason: 'policy-off' },
  ],
  [
    'nobody is asked before the policy starts',
    row({ policy: { method: 'all', effectiveFrom: FUTURE } }),
    { required: false, reason: 'not-yet-effective' },
  ],
  [
    'a start date in the future is reported before the client being out of scope',
    row({
      policy: { method: 'group', group: '2FA', effectiveFrom: FUTURE, clients: ['facility-desk'] },
      account: inGroup,
    }),
    { required: false, reason: 'not-yet-effective' },
  ],
  [
    'the policy applies from the very instant it takes effect',
    row({ policy: { method: 'all', effectiveFrom: NOW } }),
    { required: true, reason: 'all-users' },
  ],
  [
    'an application outside the policy list is not asked',
    row({ policy: { method: 'all', effectiveFrom: PAST, clients: ['facility-desk'] } }),
    { required: false, reason: 'client-not-in-scope' },
  ],
  [
    'a group member signing in to an application outside the policy list is not asked',
    row({
      policy: { method: 'group', group: '2FA', clients: ['facility-desk'] },
      account: inGroup,
    }),
    { required: false, reason: 'client-not-in-scope' },
  ],
  [
    'an application on the policy list is asked',
    row({ policy: { method: 'all', effectiveFrom: PAST, clients: ['facility-desk', CLIENT] } }),
    { required: true, reason: 'all-users' },
  ],
  [
    'an empty policy list covers every application',
    row({ policy: { method: 'all', clients: [] } }),
    { required: true, reason: 'all-users' },
  ],
  [
    'policy all asks a user without any group',
    row({ policy: { method: 'all' } }),
    { required: true, reason: 'all-users' },
  ],
  [
    'a user holding the group directly is asked',
    row({ account: { type: 'standard', groups: ['2FA'], profileGroups: [] } }),
    { required: true, reason: 'group-direct' },
  ],
  [
    'a user holding the group directly and through the profile is reported as direct',
    row({ account: inGroup }),
    { required: true, reason: 'group-direct' },
  ],
  [
    'a user whose profile holds the group is asked',
    row({ account: { type: 'standard', groups: ['reception'], profileGroups: ['2FA'] } }),
    { required: true, reason: 'group-via-profile' },
  ],
  [
    'a user holding other groups only is not asked',
    row({ account: { type: 'standard', groups: ['reception'], profileGroups: ['reporting'] } }),
    { required: false, reason: 'not-in-group' },
  ],
  [
    'an exempt user holding the group is not asked while the exemption lasts',
    row({ account: { ...inGroup, exemptUntil: FUTURE } }),
    { required: false, reason: 'exempt' },
  ],
  [
    'an exempt user is not asked under policy all',
    row({
      policy: { method: 'all', effectiveFrom: PAST },
      account: { ...inGroup, exemptUntil: FUTURE },
    }),
    { required: false, reason: 'exempt' },
  ],
  [
    'an exemption that has ended asks the user again',
    row({ account: { ...inGroup, exemptUntil: PAST } }),
    { required: true, reason: 'group-direct' },
  ],
  [
    'an exemption ends at the very instant of its end date',
    row({ account: { ...inGroup, exemptUntil: NOW } }),
    { required: true, reason: 'group-direct' },
  ],
  [
    'an exemption does not lift a code the client asks for',
    row({ account: { ...inGroup, exemptUntil: FUTURE }, clientRequestsCode: true }),
    { required: true, reason: 'client-requested' },
  ],
  [
    'an exemption does not lift the code when the policy cannot be read',
    row({ policy: undefined, account: { ...inGroup, exemptUntil: FUTURE } }),
    { required: true, reason: 'policy-unreadable' },
  ],
  [
    'an exemption is not the reason when the policy would not ask anyway',
    row({ account: { type: 'standard', groups: [], profileGroups: [], exemptUntil: FUTURE } }),
    { required: false, reason: 'not-in-group' },
  ],
  [
    'a group policy without a start date applies now',
    row({
      policy: { method: 'group', group: '2FA' },
      account: { type: 'standard', groups: [], profileGroups: ['2FA'] },
    }),
    { required: true, reason: 'group-via-profile' },
  ],
];

describe('the email-code decision', function () {
  describe('hand-checked cases', function () {
    for (const [name, input, answer] of table) {
      it(name, function () {
        expect(decideEmailCode(input)).to.deep.equal(answer);
      });
    }
  });

  describe('every combination of sign-in, account, policy, date, application and groups', function () {
    const cases = allCases();

    it('decides each combination as the rules in DESIGN.md say, in their order', function () {
      // A shrunken grid would pass vacuously: every dimension and every reason must be in it.
      expect(cases).to.have.length(1152);
      expect(new Set(cases.map((c) => expected(c).reason))).to.have.length(rules.length);
      const wrong = cases
        .map((c) => ({ case: c, expected: expected(c), actual: decideEmailCode(inputOf(c)) }))
        .filter(
          (r) => r.actual.required !== r.expected.required || r.actual.reason !== r.expected.reason,
        );
      expect(wrong, `${wrong.length} combinations decided differently`).to.deep.equal([]);
    });

    it('never asks a federated login or a Partner account, whatever else holds', function () {
      const exempt = cases.filter((c) => c.signIn === 'federated' || c.type === 'partner');
      expect(exempt.filter((c) => decideEmailCode(inputOf(c)).required)).to.deep.equal([]);
    });
  });
});
