import { unknownAccount } from '../common/control-error';
import type { SimulatorKernel } from '../common/simulator-kernel';
import { UDARA_CLOSED, type UdaraPostingCode } from './udara-wire';

export interface UdaraAccountSeed {
  accountNumber: string;
  /** 1 Active (default), 2 Dormant, 3 Closed, 4 PND, 5 PNC, 6 Inactive, 7 Frozen. */
  accountStatus?: number;
  /** Kobo (NGN 5000.50 = 500050); default 0. */
  balance?: number;
  /** Kobo held by liens; default 0. */
  lienAmount?: number;
  customerId?: string;
  customerName?: string;
  accountName?: string;
  /** 1 Saving (default), 2 Current. */
  accountType?: number;
}

export interface UdaraAccount {
  id: number;
  accountNumber: string;
  accountStatus: number;
  balance: number;
  lienAmount: number;
  customerId: string;
  customerName: string;
  accountName: string;
  accountType: number;
}

export type UdaraAccountPatch = Partial<Omit<UdaraAccountSeed, 'accountNumber'>>;

/** A scripted answer for the next closeaccount calls (control `injectPostingCodes`). */
export interface UdaraInjectedCode {
  code: UdaraPostingCode;
  /** Close the account anyway before answering (e.g. a `96` that did apply). Default false. */
  closes?: boolean;
  /** Only for this account; any account when absent. */
  accountNumber?: string;
  /** How many calls it answers; default 1. */
  times?: number;
}

export interface UdaraCloseSettings {
  /** Refuse with `51` while the balance is not zero (undocumented precondition). */
  requireZeroBalance: boolean;
  /** Code for closing an account that is already Closed (undocumented). */
  closedAccountStatusCode: UdaraPostingCode;
}

/** Accounts plus the closure posting rules (§3). */
export class UdaraState {
  private readonly accounts = new Map<string, UdaraAccount>();
  private injected: (UdaraInjectedCode & { remaining: number })[] = [];
  private nextId = 1;

  constructor(
    private readonly kernel: SimulatorKernel,
    private readonly settings: UdaraCloseSettings,
  ) {}

  clear(): void {
    this.accounts.clear();
    this.injected = [];
    this.nextId = 1;
  }

  seed(seed: UdaraAccountSeed): UdaraAccount {
    const existing = this.accounts.get(seed.accountNumber);
    const account: UdaraAccount = {
      id: existing?.id ?? this.nextId++,
      accountNumber: seed.accountNumber,
      accountStatus: seed.accountStatus ?? 1,
      balance: seed.balance ?? 0,
      lienAmount: seed.lienAmount ?? 0,
      customerId: seed.customerId ?? this.kernel.ids.digits(8),
      customerName: seed.customerName ?? 'Simulated Customer',
      accountName: seed.accountName ?? 'Simulated Customer',
      accountType: seed.accountType ?? 1,
    };
    this.accounts.set(account.accountNumber, account);
    return { ...account };
  }

  update(accountNumber: string, patch: UdaraAccountPatch): UdaraAccount {
    const account = this.accounts.get(accountNumber);
    if (account === undefined) throw unknownAccount(accountNumber);
    Object.assign(
      account,
      Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)),
    );
    return { ...account };
  }

  get(accountNumber: string): UdaraAccount | null {
    return this.accounts.get(accountNumber) ?? null;
  }

  all(): UdaraAccount[] {
    return [...this.accounts.values()].map((account) => ({ ...account }));
  }

  inject(codes: readonly UdaraInjectedCode[]): void {
    for (const code of codes) this.injected.push({ ...code, remaining: code.times ?? 1 });
  }

  /** Business outcome of one (valid, not duplicate) closeaccount posting. */
  close(accountNumber: string): UdaraPostingCode {
    const scripted = this.injected.find(
      (entry) =>
        entry.remaining > 0 && (entry.accountNumber === undefined || entry.accountNumber === accountNumber),
    );
    const account = this.accounts.get(accountNumber);
    if (scripted !== undefined) {
      scripted.remaining--;
      this.injected = this.injected.filter((entry) => entry.remaining > 0);
      if (scripted.closes === true && account !== undefined && account.accountStatus !== UDARA_CLOSED) {
        this.markClosed(account);
      }
      return scripted.code;
    }
    if (account === undefined) return '25';
    if (account.accountStatus === UDARA_CLOSED) return this.settings.closedAccountStatusCode;
    // PND (4) and Frozen (7) block postings: "Transaction Permission" (§5b).
    if (account.accountStatus === 4 || account.accountStatus === 7) return '57';
    if (this.settings.requireZeroBalance && account.balance !== 0) return '51';
    this.markClosed(account);
    return '00';
  }

  private markClosed(account: UdaraAccount): void {
    account.accountStatus = UDARA_CLOSED;
    this.kernel.counters.recordClosure(account.accountNumber);
  }
}
