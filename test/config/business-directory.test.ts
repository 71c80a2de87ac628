import assert from 'node:assert/strict';
import { BusinessDirectory } from '../../src/config/business-directory.js';
import { loadBusinesses } from '../../src/config/load-businesses.js';

describe('BusinessDirectory', () => {
  const businesses = loadBusinesses('config/businesses');
  const directory = new BusinessDirectory(businesses);
  const salon = businesses.find((business) => business.id === 'bella-hair-studio');
  const dental = businesses.find((business) => business.id === 'riverside-dental');

  it('holds every business and finds each by id', () => {
    assert.ok(salon && dental);
    assert.deepEqual(directory.all(), businesses);
    assert.equal(directory.get('bella-hair-studio'), salon);
    assert.equal(directory.get('riverside-dental'), dental);
    assert.equal(directory.get('nobody'), undefined);
  });

  it('routes a call by the number dialled, however it is spaced', () => {
    assert.equal(directory.findByPhoneNumber('+17185550142'), salon);
    assert.equal(directory.findByPhoneNumber(' +1 (718) 555-0142 '), salon);
    assert.equal(directory.findByPhoneNumber('+44 20 7946 0321'), dental);
  });

  it('routes no call to a number nobody owns, or to something that is not a number', () => {
    assert.equal(directory.findByPhoneNumber('+12125559999'), undefined);
    assert.equal(directory.findByPhoneNumber('client:owner'), undefined);
    assert.equal(directory.findByPhoneNumber(''), undefined);
  });

  it('does not route calls to a number that only sends WhatsApp messages', () => {
    assert.equal(directory.findByPhoneNumber('+17185550143'), undefined);
  });

  it('routes texts by sender number, with or without the whatsapp: prefix', () => {
    assert.equal(directory.findByMessagingNumber('whatsapp:+17185550143'), salon, 'the WhatsApp sender');
    assert.equal(directory.findByMessagingNumber('+17185550142'), salon, 'the SMS sender');
    assert.equal(directory.findByMessagingNumber('whatsapp:+442079460321'), dental);
    assert.equal(directory.findByMessagingNumber('whatsapp:+12125559999'), undefined);
  });

  it('refuses two businesses with one number', () => {
    assert.ok(salon && dental);
    const impostor = { ...dental, phoneNumbers: ['+1 718 555 0142'] };
    assert.throws(() => new BusinessDirectory([salon, impostor]), {
      message: 'phone number +17185550142 belongs to both "bella-hair-studio" and "riverside-dental"',
    });
  });
});
