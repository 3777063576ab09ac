import { SimulatorControlError, unknownAccount } from '../common/control-error';
import type { SimulatorKernel } from '../common/simulator-kernel';
import {
  SOLARIS_FAILURE_DETAILS,
  SOLARIS_TERMINAL_STATUSES,
  type SolarisAcr,
  type SolarisAcrStatus,
  type SolarisFailureCode,
  toWireAcr,
} from './solaris-wire';

export interface SolarisAccountSeed {
  /** Solaris account ids end in `cacc` (not enforced). */
  id: string;
  /** EUR; any non-zero value fails the closure at the technical step. Default 0. */
  balance?: number;
  /** Default `ACTIVE`; `CLOSED` makes a new ACR fail with `account_inactive`. */
  status?: string;
  /** Refuses ACR creation (see the `complianceBlock` option). Default false. */
  complianceBlock?: boolean;
  iban?: string;
  personId?: string | null;
  businessId?: string | null;
}

export interface SolarisAccount {
  id: string;
  balance: number;
  status: string;
  complianceBlock: boolean;
  iban: string;
  personId: string | null;
  businessId: string | null;
}

export type SolarisAccountPatch = Partial<Omit<SolarisAccountSeed, 'id'>>;

export type SolarisWebhookEventType =
  | 'ACCOUNT_CLOSURE_REQUEST'
  | 'ACCOUNT_CLOSURE_REQUEST_UPDATE'
  | 'ACCOUNT_CLOSURE';

export type SolarisEventSink = (
  eventType: SolarisWebhookEventType,
  entityId: string,
  payload: unknown,
) => void;

export type CreateAcrOutcome =
  | { kind: 'created'; acr: SolarisAcr }
  | { kind: 'existing'; acr: SolarisAcr }
  | { kind: 'unknown-account' }
  | { kind: 'compliance-block' };

export interface SolarisListFilter {
  accountId?: string;
  status?: string;
  legalClosureDateMin?: string;
  legalClosureDateMax?: string;
  sort?: string;
}

/** Accounts and account closure requests, and the lifecycle Solaris runs on them (§3). */
export class SolarisState {
  private readonly accounts = new Map<string, SolarisAccount>();
  private readonly acrs = new Map<string, SolarisAcr>();
  /** accountId -> ACR ids in creation order, for `filter[account_id]` and the "existing ACR" rule. */
  private readonly acrsByAccount = new Map<string, string[]>();

  constructor(
    private readonly kernel: SimulatorKernel,
    private readonly emit: SolarisEventSink,
  ) {}

  clear(): void {
    this.accounts.clear();
    this.acrs.clear();
    this.acrsByAccount.clear();
  }

  seed(seed: SolarisAccountSeed): SolarisAccount {
    const account: SolarisAccount = {
      id: seed.id,
      balance: seed.balance ?? 0,
      status: seed.status ?? 'ACTIVE',
      complianceBlock: seed.complianceBlock ?? false,
      iban: seed.iban ?? `DE${this.kernel.ids.digits(20)}`,
      personId: seed.personId === undefined ? `${this.kernel.ids.hex(32)}cper` : seed.personId,
      businessId: seed.businessId ?? null,
    };
    this.accounts.set(account.id, account);
    return { ...account };
  }

  update(accountId: string, patch: SolarisAccountPatch): SolarisAccount {
    const account = this.accounts.get(accountId);
    if (account === undefined) throw unknownAccount(accountId);
    if (patch.balance !== undefined) account.balance = patch.balance;
    if (patch.status !== undefined) account.status = patch.status;
    if (patch.complianceBlock !== undefined) account.complianceBlock = patch.complianceBlock;
    if (patch.iban !== undefined) account.iban = patch.iban;
    if (patch.personId !== undefined) account.personId = patch.personId;
    if (patch.businessId !== undefined) account.businessId = patch.businessId;
    return { ...account };
  }

  account(accountId: string): SolarisAccount | null {
    const account = this.accounts.get(accountId);
    return account === undefined ? null : { ...account };
  }

  allAccounts(): SolarisAccount[] {
    return [...this.accounts.values()].map((account) => ({ ...account }));
  }

  acr(id: string): SolarisAcr | null {
    return this.acrs.get(id) ?? null;
  }

  /**
   * One ACR per account (§7): while the account has an ACR that is not FAILED or REVOKED, a repeat
   * create returns it (200). A COMPLETED one is returned too: the account is closed.
   */
  create(accountId: string, closureReason: string, initiatedBy: 'partner' | 'provider'): CreateAcrOutcome {
    const account = this.accounts.get(accountId);
    if (account === undefined) return { kind: 'unknown-account' };
    const existing = this.latestFor(accountId);
    if (existing !== null && existing.status !== 'FAILED' && existing.status !== 'REVOKED') {
      return { kind: 'existing', acr: existing };
    }
    if (account.complianceBlock && initiatedBy === 'partner') return { kind: 'compliance-block' };
    const now = this.kernel.now().toISOString();
    const acr: SolarisAcr = {
      id: `${this.kernel.ids.hex(32)}acrq`,
      accountId,
      closureReason,
      status: 'INITIATED',
      technicalClosureDate: null,
      legalClosureDate: null,
      failureReason: null,
      payoutAllowed: false,
      updatedAt: now,
      createdAt: now,
      initiatedBy,
    };
    this.acrs.set(acr.id, acr);
    const list = this.acrsByAccount.get(accountId);
    if (list === undefined) this.acrsByAccount.set(accountId, [acr.id]);
    else list.push(acr.id);
    this.kernel.counters.recordClosure(accountId);
    if (initiatedBy === 'provider') this.emit('ACCOUNT_CLOSURE_REQUEST', acr.id, toWireAcr(acr));
    return { kind: 'created', acr };
  }

  latestFor(accountId: string): SolarisAcr | null {
    const ids = this.acrsByAccount.get(accountId);
    const last = ids?.[ids.length - 1];
    return last === undefined ? null : (this.acrs.get(last) ?? null);
  }

  /** Resolves a control-API reference to one ACR (by id, else the account's newest). */
  resolve(ref: { closureId?: string | undefined; accountId?: string | undefined }): SolarisAcr {
    if (ref.closureId !== undefined) {
      const acr = this.acrs.get(ref.closureId);
      if (acr === undefined) {
        throw new SimulatorControlError(404, 'CLOSURE_NOT_FOUND', `No ACR with id '${ref.closureId}'`);
      }
      return acr;
    }
    if (ref.accountId !== undefined) {
      const acr = this.latestFor(ref.accountId);
      if (acr === null) {
        throw new SimulatorControlError(404, 'CLOSURE_NOT_FOUND', `Account '${ref.accountId}' has no ACR`);
      }
      return acr;
    }
    throw new SimulatorControlError(400, 'INVALID_CONTROL_INPUT', 'Give closureId or accountId');
  }

  /**
   * One lifecycle step: INITIATED -> CONFIRMED (legal date set) -> IN_PROGRESS -> COMPLETED, or
   * FAILED at the technical step when the account is already closed or its balance is not zero.
   */
  advance(acr: SolarisAcr): SolarisAcr {
    if (SOLARIS_TERMINAL_STATUSES.has(acr.status)) {
      throw new SimulatorControlError(409, 'CLOSURE_TERMINAL', `ACR '${acr.id}' is already ${acr.status}`);
    }
    const today = this.today();
    if (acr.status === 'INITIATED') {
      acr.legalClosureDate = today;
      this.transition(acr, 'CONFIRMED');
    } else if (acr.status === 'CONFIRMED') {
      this.transition(acr, 'IN_PROGRESS');
    } else {
      const account = this.accounts.get(acr.accountId);
      const failure: SolarisFailureCode | null =
        account === undefined || account.status === 'CLOSED'
          ? 'account_inactive'
          : account.balance < 0
            ? 'negative_balance'
            : account.balance > 0
              ? 'positive_balance'
              : null;
      if (failure !== null) {
        this.fail(acr, failure);
      } else if (account !== undefined) {
        account.status = 'CLOSED';
        acr.technicalClosureDate = today;
        this.transition(acr, 'COMPLETED');
        this.emit('ACCOUNT_CLOSURE', account.id, {
          account_id: account.id,
          person_id: account.personId ?? 'null',
          // The docs write a missing business id as the string "null" (seed 002).
          business_id: account.businessId ?? 'null',
          iban: account.iban,
        });
      }
    }
    return acr;
  }

  fail(acr: SolarisAcr, code: SolarisFailureCode): SolarisAcr {
    if (SOLARIS_TERMINAL_STATUSES.has(acr.status)) {
      throw new SimulatorControlError(409, 'CLOSURE_TERMINAL', `ACR '${acr.id}' is already ${acr.status}`);
    }
    acr.failureReason = { code, detail: SOLARIS_FAILURE_DETAILS[code] };
    this.transition(acr, 'FAILED');
    return acr;
  }

  revoke(acr: SolarisAcr): SolarisAcr {
    if (SOLARIS_TERMINAL_STATUSES.has(acr.status)) {
      throw new SimulatorControlError(409, 'CLOSURE_TERMINAL', `ACR '${acr.id}' is already ${acr.status}`);
    }
    this.transition(acr, 'REVOKED');
    return acr;
  }

  list(filter: SolarisListFilter): SolarisAcr[] {
    let items: SolarisAcr[];
    if (filter.accountId !== undefined) {
      items = (this.acrsByAccount.get(filter.accountId) ?? []).map((id) => this.acrs.get(id) as SolarisAcr);
    } else {
      items = [...this.acrs.values()];
    }
    if (filter.status !== undefined) items = items.filter((acr) => acr.status === filter.status);
    const { legalClosureDateMin: min, legalClosureDateMax: max } = filter;
    if (min !== undefined)
      items = items.filter((acr) => acr.legalClosureDate !== null && acr.legalClosureDate >= min);
    if (max !== undefined)
      items = items.filter((acr) => acr.legalClosureDate !== null && acr.legalClosureDate <= max);
    if (filter.sort !== undefined) {
      const descending = filter.sort.startsWith('-');
      const key = filter.sort.replace(/^-/, '') === 'legal_closure_date' ? 'legalClosureDate' : 'createdAt';
      const sorted = items
        .map((acr, index) => ({ acr, index }))
        .sort((a, b) => {
          const left = a.acr[key] ?? '';
          const right = b.acr[key] ?? '';
          const order = left < right ? -1 : left > right ? 1 : a.index - b.index;
          return descending ? -order : order;
        });
      items = sorted.map((entry) => entry.acr);
    }
    return items;
  }

  private transition(acr: SolarisAcr, status: SolarisAcrStatus): void {
    acr.status = status;
    acr.updatedAt = this.kernel.now().toISOString();
    this.emit('ACCOUNT_CLOSURE_REQUEST_UPDATE', acr.id, toWireAcr(acr));
  }

  private today(): string {
    return this.kernel.now().toISOString().slice(0, 10);
  }
}
