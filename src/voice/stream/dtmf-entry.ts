/**
 * Keypad input. `0` on its own asks for a person (DESIGN §1). While a phone number is expected,
 * digits are collected until `#`, or until the caller pauses (`interDigitMs`), and then count as
 * what they said; otherwise each key is an answer at once (a menu choice).
 */
export type KeypadInput = { kind: 'human' } | { kind: 'digits'; digits: string };

export interface DtmfEntryOptions {
  /** Pause that ends a number being keyed in, in ms. Default 3000. */
  interDigitMs?: number;
}

export class DtmfEntry {
  readonly #onInput: (input: KeypadInput) => void;
  readonly #interDigitMs: number;
  #digits = '';
  #timer: NodeJS.Timeout | undefined;
  /** What the dialog expects; `phone` collects a number. */
  expecting: string | undefined;

  constructor(onInput: (input: KeypadInput) => void, options: DtmfEntryOptions = {}) {
    this.#onInput = onInput;
    this.#interDigitMs = options.interDigitMs ?? 3000;
  }

  /** True while a number is being keyed in. */
  get collecting(): boolean {
    return this.#digits.length > 0;
  }

  push(digit: string): void {
    if (this.expecting !== 'phone') {
      this.#onInput(digit === '0' ? { kind: 'human' } : { kind: 'digits', digits: digit });
      return;
    }
    clearTimeout(this.#timer);
    if (digit === '#') return this.#flush();
    if (digit === '*') {
      this.#digits = '';
      return;
    }
    this.#digits += digit;
    this.#timer = setTimeout(() => this.#flush(), this.#interDigitMs);
  }

  close(): void {
    clearTimeout(this.#timer);
  }

  #flush(): void {
    clearTimeout(this.#timer);
    const digits = this.#digits;
    this.#digits = '';
    if (digits) this.#onInput({ kind: 'digits', digits });
  }
}
