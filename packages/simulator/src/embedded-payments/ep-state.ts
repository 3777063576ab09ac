import { unknownAccount } from '../common/control-error';
import type { SimulatorKernel } from '../common/simulator-kernel';
import { EP_CLOSABLE_CATEGORIES, type EpAccount, type EpRestriction } from './ep-wire';

export interface EpAccountSeed {
  /** Up to 34 characters (v2 path rule). */
  id: string;
  /** Default `LIMITED_DDA`. Only LIMITED_DDA and LIMITED_DDA_PAYMENTS can be closed. */
  category?: string;
  /** `OPEN` (default), `PENDING_OPEN`, `PENDING_CLOSE` or `CLOSED`. */
  state?: string;
  /** USD, shown for every booked and available balance type; default 0. */
  balance?: number;
  /**
   * Credits on their way (default 0): v2 `INTERIM_EXPECTED` = ledger + pending credits (Accounts
   * 2.0.47) shows `balance + pendingCredits`; v1 has no expected type. They do not block a close
   * (the booked balance decides, as J.P. Morgan's "balance must be zero" reads) nor the servicing step.
   */
  pendingCredits?: number;
  /** 10 digits; generated when absent. */
  clientId?: string;
  label?: string;
  currency?: string;
  closureReason?: string | null;
  accountNumber?: string;
  createdAt?: string;
}

export type EpAccountPatch = Partial<Omit<EpAccountSeed, 'id'>>;

export type EpCloseOutcome =
  | { kind: 'not-found' }
  | { kind: 'not-supported'; account: EpAccount }
  | { kind: 'not-closable-state'; account: EpAccount }
  | { kind: 'already-closed'; account: EpAccount }
  | { kind: 'accepted'; account: EpAccount }
  | { kind: 'non-zero-balance'; account: EpAccount };

export type EpServiceOutcome =
  | { kind: 'closed'; account: EpAccount }
  | { kind: 'blocked'; account: EpAccount; reason: 'NON_ZERO_BALANCE' | 'NOT_PENDING_CLOSE' };

/** EP accounts and the closure table of the EP notes §3 ([CLOSE]). */
export class EpState {
  private readonly accounts = new Map<string, EpAccount>();

  constructor(private readonly kernel: SimulatorKernel) {}

  clear(): void {
    this.accounts.clear();
  }

  seed(seed: EpAccountSeed): EpAccount {
    const now = this.kernel.now().toISOString();
    const account: EpAccount = {
      id: seed.id,
      clientId: seed.clientId ?? this.kernel.ids.digits(10),
      label: seed.label ?? 'MAIN',
      state: seed.state ?? 'OPEN',
      category: seed.category ?? 'LIMITED_DDA',
      balance: seed.balance ?? 0,
      pendingCredits: seed.pendingCredits ?? 0,
      currency: seed.currency ?? 'USD',
      closureReason: seed.closureReason ?? null,
      accountNumber: seed.accountNumber ?? `2000${this.kernel.ids.digits(10)}`,
      restrictions: [],
      createdAt: seed.createdAt ?? now,
      updatedAt: now,
    };
    this.accounts.set(account.id, account);
    return snapshot(account);
  }

  update(accountId: string, patch: EpAccountPatch): EpAccount {
    const account = this.accounts.get(accountId);
    if (account === undefined) throw unknownAccount(accountId);
    if (patch.category !== undefined) account.category = patch.category;
    if (patch.state !== undefined) account.state = patch.state;
    if (patch.balance !== undefined) account.balance = patch.balance;
    if (patch.pendingCredits !== undefined) account.pendingCredits = patch.pendingCredits;
    if (patch.clientId !== undefined) account.clientId = patch.clientId;
    if (patch.label !== undefined) account.label = patch.label;
    if (patch.currency !== undefined) account.currency = patch.currency;
    if (patch.closureReason !== undefined) account.closureReason = patch.closureReason;
    if (patch.accountNumber !== undefined) account.accountNumber = patch.accountNumber;
    if (patch.createdAt !== undefined) account.createdAt = patch.createdAt;
    account.updatedAt = this.kernel.now().toISOString();
    return snapshot(account);
  }

  get(accountId: string): EpAccount | null {
    return this.accounts.get(accountId) ?? null;
  }

  all(): EpAccount[] {
    return [...this.accounts.values()];
  }

  /**
   * The close call (§3): OPEN or PENDING_CLOSE become PENDING_CLOSE with restrictions (debit and
   * credit at zero balance, credit when positive, debit when negative), even when the answer is
   * 400 for a non-zero balance.
   */
  close(accountId: string, closureReason: string): EpCloseOutcome {
    const account = this.accounts.get(accountId);
    if (account === undefined) return { kind: 'not-found' };
    if (account.state === 'CLOSED') return { kind: 'already-closed', account };
    if (!EP_CLOSABLE_CATEGORIES.has(account.category)) return { kind: 'not-supported', account };
    if (account.state !== 'OPEN' && account.state !== 'PENDING_CLOSE')
      return { kind: 'not-closable-state', account };
    const types =
      account.balance === 0 ? ['DEBITS', 'CREDITS'] : account.balance > 0 ? ['CREDITS'] : ['DEBITS'];
    for (const type of types) this.restrict(account, type);
    if (account.state === 'OPEN') {
      account.state = 'PENDING_CLOSE';
      this.kernel.counters.recordClosure(account.id);
    }
    account.closureReason = closureReason;
    account.updatedAt = this.kernel.now().toISOString();
    return account.balance === 0 ? { kind: 'accepted', account } : { kind: 'non-zero-balance', account };
  }

  /** The servicing team's manual step: PENDING_CLOSE -> CLOSED, only at zero balance. */
  service(accountId: string): EpServiceOutcome {
    const account = this.accounts.get(accountId);
    if (account === undefined) throw unknownAccount(accountId);
    if (account.state !== 'PENDING_CLOSE') return { kind: 'blocked', account, reason: 'NOT_PENDING_CLOSE' };
    if (account.balance !== 0) return { kind: 'blocked', account, reason: 'NON_ZERO_BALANCE' };
    account.state = 'CLOSED';
    account.updatedAt = this.kernel.now().toISOString();
    return { kind: 'closed', account };
  }

  private restrict(account: EpAccount, restrictionType: string): void {
    if (
      account.restrictions.some(
        (r) => r.restrictionType === restrictionType && r.restrictionStatus === 'ACTIVE',
      )
    ) {
      return;
    }
    const restriction: EpRestriction = {
      restrictionId: this.kernel.ids.uuid(),
      restrictionType,
      restrictionReason: 'CLIENT_REQUESTED',
      restrictionStatus: 'ACTIVE',
    };
    account.restrictions.push(restriction);
  }
}

export function snapshot(account: EpAccount): EpAccount {
  return { ...account, restrictions: account.restrictions.map((restriction) => ({ ...restriction })) };
}
