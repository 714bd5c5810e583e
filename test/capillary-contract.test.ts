import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { capillarySeedExamples, inForm, toFlat, type EnvelopeForm } from './fixtures/capillary/index.ts';
import { startCapillaryTestApp, type CapillaryTestApp } from './support/capillary-webhook.ts';

// Every example of the Capillary documentation, in every envelope form the
// documentation shows (each form in a workspace of its own), posted to the
// real endpoint, lands in the profile read back over the API.
let t: CapillaryTestApp;
const FORMS: EnvelopeForm[] = ['flat', 'attributes', 'wrapped'];
const workspaceOf = (form: EnvelopeForm) => `cap-${form}`;

before(async () => {
  t = await startCapillaryTestApp();
  for (const form of FORMS) {
    await t.addWorkspace(workspaceOf(form));
    for (const example of capillarySeedExamples) {
      const reply = await t.post(inForm(toFlat(example), form), { workspace: workspaceOf(form) });
      assert.equal(reply.status, 200, `${example.name} as ${form}: ${JSON.stringify(reply.body)}`);
      assert.deepEqual(reply.body, { accepted: 1, rejected: [] });
    }
  }
});
after(() => t.close());

test('the examples as the documentation shows them are accepted too', async () => {
  for (const example of capillarySeedExamples) {
    const reply = await t.post(example.body);
    assert.equal(reply.status, 200, `${example.name}: ${JSON.stringify(reply.body)}`);
  }
  const profile = await t.get('/v1/customers/capillary:164875382');
  assert.equal(profile.body.fields.standard.firstName.value, 'ROSMA');
});

for (const form of FORMS) {
  describe(`envelope form "${form}"`, () => {
    const get = (path: string) => t.get(path, workspaceOf(form));
    const profile = async (id: string) => {
      const reply = await get(`/v1/customers/capillary:${id}`);
      assert.equal(reply.status, 200, `capillary:${id}`);
      return reply.body;
    };
    const found = async (query: string) => (await get(`/v1/customers?${query}`)).body.customers.map((c: any) => c.id);
    const ids = (p: any) => p.identifiers.map((i: any) => `${i.channel}/${i.kind}/${i.value}`);

    test('customerAdded (instore): name, source, identifiers; found by phone and external id', async () => {
      const p = await profile('164875382');
      assert.equal(p.source, 'capillary');
      assert.equal(p.customerId, '164875382');
      assert.equal(p.fields.standard.firstName.value, 'ROSMA');
      assert.equal(p.fields.standard.lastName.value, 'DEW I');
      assert.equal(p.fields.standard.loyaltyType.value, 'LOYALTY');
      assert.equal(p.fields.standard.source.value, 'instore');
      assert.deepEqual(ids(p), ['instore/email/[email protected]', 'instore/externalId/226682932023', 'instore/phone/6282396092287']);
      assert.deepEqual(await found('phone=%2B62%20823-9609-2287'), ['capillary:164875382']);
      assert.deepEqual(await found('externalId=226682932023'), ['capillary:164875382']);
    });

    test('customerAdded (every channel): custom and extended fields, channel accounts and their identifiers', async () => {
      const p = await profile('8525');
      assert.equal(p.fields.custom.NINA.value, 'DAFLNARTJ');
      assert.equal(p.fields.extended.NOUFSJ.value, 'RATPNAVIZ');
      assert.equal(p.fields.standard.firstName.value, 'ISNFTQM');
      for (const id of ['wechat/accountId/ZAGOIZ', 'wechat/NIYVVBP/SQEVTX', 'jd/accountId/OEJYQANLRB', 'toabao/accountId/RGGUVGZIP', 'instore/card/FRV', 'instore/card/NRHRY']) {
        assert.ok(ids(p).includes(id), id);
      }
      assert.deepEqual(await found('accountId=ZAGOIZ'), ['capillary:8525']);
      assert.deepEqual(await found('accountId=ZAGOIZ&channel=wechat'), ['capillary:8525']);
      assert.deepEqual(await found('accountId=ZAGOIZ&channel=line'), []);
      assert.deepEqual(await found('identifier=NIYVVBP:SQEVTX'), ['capillary:8525']);
      assert.deepEqual(await found('cardNumber=FRV'), ['capillary:8525']);
      assert.deepEqual(await found('cardExternalId=IQFMJPMMO'), ['capillary:8525']);
    });

    test('customerUpdated: field changes with history, custom and extended fields, status', async () => {
      const p = await profile('12345');
      assert.equal(p.fields.standard.status.value, 'Active');
      assert.deepEqual(p.fields.standard.status.history.map((h: any) => [h.previousValue, h.currentValue]), [['Inactive', 'Active']]);
      assert.equal(p.fields.standard.statusReason.value, 'Customer requested reactivation');
      assert.equal(p.fields.extended.gender.value, 'Male');
      assert.deepEqual(p.fields.extended.gender.history.map((h: any) => [h.previousValue, h.currentValue]), [['Female', 'Male']]);
      assert.equal(p.fields.custom.MembershipLevel.value, 'Gold');
      assert.equal(p.fields.extended.PreferredLanguage.value, 'English');
      assert.deepEqual(await found('cardNumber=CARD_67890'), ['capillary:12345']);
      // the documentation renders every e-mail as "[email protected]": case-insensitively, two customers share it
      assert.deepEqual(await found('email=%5BEMAIL%20PROTECTED%5D'), ['capillary:12345', 'capillary:164875382']);
      assert.deepEqual(await found('accountId=WECHAT_001&channel=wechat'), ['capillary:12345']);
      assert.ok((await found('phone=9876543210')).includes('capillary:12345'));

      const other = await profile('919');
      assert.equal(other.fields.standard.status.value, 'ETVFN');
      assert.equal(other.fields.standard.statusCode.value, 'KOJG');
      assert.equal(other.fields.standard.KRVJQRDQL.value, 'VVNQ');
    });

    test('the PII deletion leaves an erased tombstone', async () => {
      const p = await profile('622372905');
      assert.ok(p.erased?.at);
      assert.deepEqual(p.fields, { standard: {}, custom: {}, extended: {} });
      assert.deepEqual(p.identifiers, []);
    });

    test('customerSubscription: per channel and source account', async () => {
      const p = await profile('3035');
      assert.deepEqual(
        p.channelSubscriptions.map((s: any) => [s.channel, s.sourceAccountId, s.priority, s.status, s.previousStatus, s.sourceName, s.ouId, s.ouCode]),
        [['XOLEFY', 'TIYFBQ', 'OOLRA', 'SQXZFX', 'MDDNR', 'BXCUZZ', '5905', 'QFFGPEDKTK']],
      );
      assert.ok(ids(p).includes('instore/card/LMLJ'));
    });

    test('groupCreated and groupUpdated: the group and its primary member', async () => {
      const created = (await profile('6386')).groups;
      assert.deepEqual(created.map((g: any) => [g.groupId, g.name, g.primary, g.role, g.status]), [['6454', 'TEIVJVUXCD', true, 'ARL', 'active']]);
      const updated = (await profile('3900')).groups;
      assert.deepEqual(updated.map((g: any) => [g.groupId, g.name, g.primary]), [['6155', 'FUEFW', true]]);
    });

    test('groupMemberAdded and groupMemberRemoved: membership of the member, the primary kept', async () => {
      const added = (await profile('3970')).groups;
      assert.deepEqual(added.map((g: any) => [g.groupId, g.name, g.role, g.status, g.primary, g.primaryMember]), [['5322', 'CDNO', 'PIXKILY', 'active', false, 'capillary:7098']]);
      assert.deepEqual((await profile('7098')).groups.map((g: any) => [g.groupId, g.status]), [['5322', 'active']]);
      const removed = (await profile('564')).groups;
      assert.deepEqual(removed.map((g: any) => [g.groupId, g.status]), [['6815', 'removed']]);
      assert.ok(ids(await profile('564')).includes('instore/phone/AGIV'), 'a member named in a group event is findable');
    });

    test('pointsContributionToGroup: the ledger with contributor and loyalty program', async () => {
      const [group] = (await profile('6560')).groups;
      assert.equal(group.groupId, '2146');
      assert.deepEqual(group.points, { total: 446.36640823491007, contributedByMember: 446.36640823491007 });
      assert.deepEqual(group.recentContributions.map((c: any) => [c.contributor, c.points, c.loyaltyProgramId]), [['capillary:6560', 446.36640823491007, '3583']]);
      const events = await get('/v1/customers/capillary:6560/events');
      assert.equal(events.body.events[0].eventCode, 'pointsContributionToGroup');
      assert.equal(events.body.events[0].messageId, 'VTP');
    });
  });
}
