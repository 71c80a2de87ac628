// The admin softphone. Two ways to call the receptionist from this browser:
// - the local dev phone: the microphone goes to our own /media-streams in the Twilio Media
//   Streams protocol (connected, start, 20 ms mu-law media frames, stop), the replies play
//   through Web Audio, and marks are echoed once the audio before them has played, as Twilio does;
// - Twilio's Voice SDK (when its keys are set): a real call through a TwiML App.
// https://www.twilio.com/docs/voice/media-streams/websocket-messages
import { FRAME_BYTES, SAMPLE_RATE, decodeMulaw } from './softphone-audio.js';

const root = document.getElementById('softphone');
const businessPicker = document.getElementById('business');
const callLocalButton = document.getElementById('call-local');
const callTwilioButton = document.getElementById('call-twilio');
const hangUpButton = document.getElementById('hang-up');
const keypad = [...document.querySelectorAll('.keypad button')];
const levelMeter = document.getElementById('level');

/** Playback starts this far ahead of now after a gap, so network jitter does not cut words. */
const JITTER_CUSHION_S = 0.08;

let current;

function setStatus(state, text) {
  const status = document.getElementById('status');
  status.dataset.state = state;
  status.textContent = text;
}

function show(id, value) {
  document.getElementById(id).textContent = String(value);
}

function setInCall(inCall) {
  if (callLocalButton) callLocalButton.disabled = inCall || root.dataset.local !== 'on';
  if (callTwilioButton) callTwilioButton.disabled = inCall;
  hangUpButton.disabled = !inCall;
  for (const key of keypad) key.disabled = !inCall;
}

function base64FromBytes(bytes) {
  let text = '';
  for (let i = 0; i < bytes.length; i += 1) text += String.fromCharCode(bytes[i]);
  return btoa(text);
}

function bytesFromBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function randomHex(bytes) {
  return [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The receptionist's audio, played back to back as it arrives. Marks are kept with the time the
 * audio before them ends and echoed when that time has passed; `clear` stops everything queued
 * and echoes every waiting mark at once (Twilio does the same, and barge-in relies on it).
 */
class Player {
  constructor(audio, { onMark, onFramePlayed }) {
    this.audio = audio;
    this.onMark = onMark;
    this.onFramePlayed = onFramePlayed;
    this.playhead = 0;
    this.sources = new Set();
    this.marks = [];
  }

  enqueue(bytes) {
    const buffer = this.audio.createBuffer(1, bytes.length, SAMPLE_RATE);
    const samples = buffer.getChannelData(0);
    for (let i = 0; i < bytes.length; i += 1) samples[i] = decodeMulaw(bytes[i]) / 32768;
    const now = this.audio.currentTime;
    if (this.playhead < now + 0.01) this.playhead = now + JITTER_CUSHION_S;
    const source = this.audio.createBufferSource();
    source.buffer = buffer;
    source.connect(this.audio.destination);
    source.onended = () => {
      this.sources.delete(source);
      if (!source.cleared) this.onFramePlayed();
    };
    source.start(this.playhead);
    this.playhead += buffer.duration;
    this.sources.add(source);
  }

  mark(name) {
    this.marks.push({ name, at: Math.max(this.playhead, this.audio.currentTime) });
  }

  /** Echoes the marks whose audio has played; called every 20 ms. */
  tick() {
    const now = this.audio.currentTime;
    while (this.marks.length > 0 && this.marks[0].at <= now) this.onMark(this.marks.shift().name);
  }

  clear() {
    for (const source of this.sources) {
      source.cleared = true;
      source.stop();
    }
    this.sources.clear();
    this.playhead = this.audio.currentTime;
    const waiting = this.marks;
    this.marks = [];
    for (const mark of waiting) this.onMark(mark.name);
  }
}

/** One local call: the websocket speaks Twilio's side of the Media Streams protocol. */
class LocalCall {
  constructor({ audio, microphone, placed }) {
    this.audio = audio;
    this.microphone = microphone;
    this.callSid = placed.callSid;
    this.callToken = placed.callToken;
    this.streamSid = `MZ${randomHex(16)}`;
    // Twilio sends an account sid; a local call has none, so it gets an obviously made-up one.
    this.accountSid = `AC${'0'.repeat(32)}`;
    this.sequence = 0;
    this.chunk = 0;
    this.counts = { sent: 0, received: 0, played: 0, marks: 0 };
    this.ended = false;
    this.player = new Player(audio, {
      onMark: (name) => this.#echoMark(name),
      onFramePlayed: () => {
        this.counts.played += 1;
      },
    });
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    this.socket = new WebSocket(`${scheme}://${location.host}/media-streams?softphone=${encodeURIComponent(placed.upgradeToken)}`);
    this.socket.onopen = () => this.#onOpen();
    this.socket.onmessage = (event) => this.#onMessage(event.data);
    this.socket.onclose = (event) => this.#onClose(event);
    this.ticker = setInterval(() => this.#tick(), 20);
  }

  #send(message) {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    this.sequence += 1;
    this.socket.send(JSON.stringify({ ...message, sequenceNumber: String(this.sequence) }));
  }

  #onOpen() {
    // `connected` carries no sequence number in Twilio's stream; everything after it does.
    this.socket.send(JSON.stringify({ event: 'connected', protocol: 'Call', version: '1.0.0' }));
    this.#send({
      event: 'start',
      streamSid: this.streamSid,
      start: {
        streamSid: this.streamSid,
        accountSid: this.accountSid,
        callSid: this.callSid,
        tracks: ['inbound'],
        customParameters: { callToken: this.callToken },
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: SAMPLE_RATE, channels: 1 },
      },
    });
    this.startedAt = performance.now();
    this.source = this.audio.createMediaStreamSource(this.microphone);
    this.capture = new AudioWorkletNode(this.audio, 'softphone-capture', { numberOfInputs: 1, numberOfOutputs: 1, channelCount: 1 });
    this.capture.port.onmessage = (event) => this.#sendFrame(new Uint8Array(event.data.frame), event.data.level);
    this.source.connect(this.capture);
    // The worklet writes nothing to its output; connecting it keeps the graph pulling it.
    this.capture.connect(this.audio.destination);
    setStatus('live', 'Connected: speak to the receptionist');
    setInCall(true);
  }

  #sendFrame(frame, level) {
    if (frame.length !== FRAME_BYTES) return;
    this.chunk += 1;
    this.counts.sent += 1;
    levelMeter.value = level;
    this.#send({
      event: 'media',
      streamSid: this.streamSid,
      media: { track: 'inbound', chunk: String(this.chunk), timestamp: String((this.chunk - 1) * 20), payload: base64FromBytes(frame) },
    });
  }

  #onMessage(data) {
    let message;
    try {
      message = JSON.parse(data);
    } catch {
      console.warn('softphone: a message from the server was not JSON');
      return;
    }
    if (message.event === 'media') {
      this.counts.received += 1;
      this.player.enqueue(bytesFromBase64(message.media.payload));
    } else if (message.event === 'mark') {
      this.player.mark(message.mark.name);
    } else if (message.event === 'clear') {
      this.player.clear();
    }
  }

  #echoMark(name) {
    this.counts.marks += 1;
    this.#send({ event: 'mark', streamSid: this.streamSid, mark: { name } });
  }

  #tick() {
    this.player.tick();
    show('frames-sent', this.counts.sent);
    show('frames-received', this.counts.received);
    show('frames-played', this.counts.played);
    show('marks-echoed', this.counts.marks);
  }

  sendDigit(digit) {
    this.#send({ event: 'dtmf', streamSid: this.streamSid, dtmf: { track: 'inbound_track', digit } });
  }

  hangUp() {
    this.#send({ event: 'stop', streamSid: this.streamSid, stop: { accountSid: this.accountSid, callSid: this.callSid } });
    this.socket.close(1000, 'caller hung up');
    this.#finish('ended', 'Call ended');
  }

  #onClose(event) {
    if (this.ended) return;
    if (!this.startedAt) {
      this.#finish('failed', 'The server refused the stream (the call may have expired); place the call again');
    } else {
      this.#finish('ended', event.code === 1000 ? 'The receptionist ended the call' : `The stream closed (code ${event.code})`);
    }
  }

  #finish(state, text) {
    if (this.ended) return;
    this.ended = true;
    this.#tick();
    clearInterval(this.ticker);
    this.player.clear();
    for (const track of this.microphone.getTracks()) track.stop();
    this.source?.disconnect();
    this.capture?.disconnect();
    // Let the last echoes and counts settle before the context goes.
    setTimeout(() => {
      this.audio.close().catch((error) => console.warn(`softphone: the audio context did not close (${error.message})`));
    }, 200);
    setStatus(state, text);
    setInCall(false);
    if (current === this) current = undefined;
  }
}

async function placeLocalCall() {
  setInCall(true);
  hangUpButton.disabled = true;
  setStatus('connecting', 'Asking for the microphone…');
  let microphone;
  try {
    microphone = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true },
    });
  } catch (error) {
    setStatus('failed', `No microphone (${error.message}): allow this page to use the microphone and try again`);
    setInCall(false);
    return;
  }
  const audio = new AudioContext({ latencyHint: 'interactive' });
  try {
    await audio.resume();
    await audio.audioWorklet.addModule('/admin/softphone/assets/softphone-capture.js');
    setStatus('connecting', 'Placing the call…');
    const response = await fetch('/admin/api/softphone/calls', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf: root.dataset.csrf, business: businessPicker.value }),
    });
    const body = await response.json();
    if (!response.ok) throw new Error(body.error ? body.error.message : `the server answered ${response.status}`);
    document.getElementById('call-sid').textContent = body.callSid;
    setStatus('connecting', 'Connecting the stream…');
    current = new LocalCall({ audio, microphone, placed: body });
  } catch (error) {
    for (const track of microphone.getTracks()) track.stop();
    await audio.close();
    setStatus('failed', `The call could not be placed: ${error.message}`);
    setInCall(false);
  }
}

/** A call through Twilio's Voice SDK (loaded from our origin as `window.Twilio`). */
class TwilioCall {
  constructor(device, call) {
    this.device = device;
    this.call = call;
    call.on('accept', () => {
      document.getElementById('call-sid').textContent = call.parameters.CallSid || '—';
      setStatus('live', 'Connected through Twilio: speak to the receptionist');
    });
    call.on('disconnect', () => this.#finish('ended', 'Call ended'));
    call.on('cancel', () => this.#finish('ended', 'Call cancelled'));
    call.on('error', (error) => this.#finish('failed', `Twilio: ${error.message}`));
  }

  sendDigit(digit) {
    this.call.sendDigits(digit);
  }

  hangUp() {
    this.call.disconnect();
    this.#finish('ended', 'Call ended');
  }

  #finish(state, text) {
    if (current !== this) return;
    current = undefined;
    this.device.destroy();
    setStatus(state, text);
    setInCall(false);
  }
}

async function placeTwilioCall() {
  setInCall(true);
  hangUpButton.disabled = true;
  setStatus('connecting', 'Fetching a Twilio access token…');
  let device;
  try {
    const response = await fetch('/admin/softphone/token');
    const body = await response.json();
    if (!response.ok) throw new Error(body.error ? body.error.message : `the server answered ${response.status}`);
    device = new window.Twilio.Device(body.token, { codecPreferences: ['opus', 'pcmu'], logLevel: 'warn' });
    setStatus('connecting', 'Calling through Twilio…');
    const number = businessPicker.selectedOptions[0].dataset.number;
    // `To` reaches our /twilio/voice through the TwiML App, which picks the business by it.
    const call = await device.connect({ params: { To: number } });
    current = new TwilioCall(device, call);
    hangUpButton.disabled = false;
    for (const key of keypad) key.disabled = false;
  } catch (error) {
    device?.destroy();
    setStatus('failed', `The Twilio call could not be placed: ${error.message}`);
    setInCall(false);
  }
}

callLocalButton?.addEventListener('click', () => void placeLocalCall());
callTwilioButton?.addEventListener('click', () => void placeTwilioCall());
hangUpButton.addEventListener('click', () => current?.hangUp());
for (const key of keypad) key.addEventListener('click', () => current?.sendDigit(key.dataset.digit));
window.addEventListener('pagehide', () => current?.hangUp());
setInCall(false);
root.dataset.ready = 'true';
