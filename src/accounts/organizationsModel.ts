/**
 * One account's organizations and, per organization, its API tokens as `GET /v1/organizations/{org}/api-tokens`
 * lists them, with the account's role there. No `vscode` import: tested in plain Node.
 *
 * Nothing is asked until someone wants it: the organization list when the Organizations node is
 * expanded, an organization's tokens when that organization is expanded. The role
 * (`GET …/members/{username}`) is asked together with the token list: one round trip. A refresh
 * reloads the list and every expanded organization at once, in parallel (one round trip for all);
 * a load superseded while it ran (a refresh, a reset) is dropped.
 */
import type { TursoClient } from '../platform/client';
import { DatabasesModel } from './databasesModel';
import { managesAllOrganizationTokens, type Organization, type OrganizationApiToken } from '../platform/types';
import { compareNames } from '../util/order';

export type OrganizationTokensLoad =
  | {
      kind: 'loaded';
      organization: string;
      tokens: readonly OrganizationApiToken[];
      /** The account's role in the organization; undefined when it could not be looked up. */
      role?: string;
      /** Every member's tokens are listed (owner/admin), as opposed to only the account's own. */
      seesAll: boolean;
    }
  | { kind: 'failed'; organization: string; error: unknown };

export type OrganizationsLoad =
  | { kind: 'loaded'; organizations: readonly Organization[] }
  | { kind: 'failed'; error: unknown };

/** What changed: the list (`list`), one organization's tokens (`organization`), or everything (undefined). */
/** What changed: everything, the list, one organization's rows, or one token row's busy text. */
export type OrganizationsChange = { organization: string; tokenId?: string } | { list: true } | undefined;

export interface OrganizationsModelOptions {
  /** The account's API client, or undefined when it is signed out. */
  client(): TursoClient | undefined;
  /** The account's username (to ask for its role and to recognise its own tokens). */
  username(): string | undefined;
  onError?(message: string, error: unknown): void;
}

interface Slot<T> {
  /** The running or last load. */
  current?: Promise<T>;
  /** The last load that finished and was not superseded. */
  settled?: T;
  controller?: AbortController;
  generation: number;
}

export class OrganizationsModel {
  private readonly listeners = new Set<(change: OrganizationsChange) => void>();
  private list: Slot<OrganizationsLoad> = { generation: 0 };
  private listWanted = false;
  private readonly orgs = new Map<string, Slot<OrganizationTokensLoad>>();
  /** Organizations whose tokens are shown (expanded), in the order they were expanded. */
  private readonly expanded = new Set<string>();
  private readonly busy = new Map<string, string>();
  private disposed = false;
  /** Each organization's databases (its Databases node): loaded, refreshed and reset with the rest. */
  readonly databases: DatabasesModel;

  constructor(private readonly options: OrganizationsModelOptions) {
    this.databases = new DatabasesModel({ client: () => options.client(), onError: options.onError });
  }

  /** Called on every change; returns a function that stops the calls. */
  onDidChange(listener: (change: OrganizationsChange) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /**
   * Resolves when the loads running now (and any that supersede them meanwhile) have ended: the list
   * and every organization's, or one organization's. Starts nothing.
   */
  async settled(organization?: string): Promise<void> {
    for (;;) {
      const running = (): (Promise<unknown> | undefined)[] =>
        organization === undefined
          ? [this.list.current, ...[...this.orgs.values()].map((s) => s.current), ...this.databases.running()]
          : [this.orgs.get(organization)?.current];
      const before = running();
      await Promise.allSettled(before);
      const after = running();
      if (this.disposed || (after.length === before.length && after.every((p, i) => p === before[i]))) {
        return;
      }
    }
  }

  /** The organizations: the running load, the last one, or a new one (the first call asks the API). */
  async organizations(): Promise<OrganizationsLoad> {
    this.listWanted = true;
    for (;;) {
      const pending = this.startList();
      const result = await pending;
      if (this.list.current === pending || this.disposed) {
        return result;
      }
    }
  }

  /** The organization's tokens and role; marks it expanded (a refresh reloads it). */
  async tokens(organization: string): Promise<OrganizationTokensLoad> {
    this.expanded.add(organization);
    for (;;) {
      const slot = this.slot(organization);
      const pending = this.startTokens(organization, slot);
      const result = await pending;
      if (slot.current === pending || this.disposed || !this.orgs.has(organization)) {
        return result;
      }
    }
  }

  /** The last finished load of an organization's tokens, without a request. */
  settledTokens(organization: string): OrganizationTokensLoad | undefined {
    return this.orgs.get(organization)?.settled;
  }

  /** The last finished organization list, without a request. */
  get settledOrganizations(): OrganizationsLoad | undefined {
    return this.list.settled;
  }

  /**
   * The organization is collapsed: a refresh does not reload it (it forgets it: the next expand asks
   * again). Until then what was loaded is kept, as the view keeps its rows.
   */
  collapse(organization: string): void {
    this.expanded.delete(organization);
  }

  /** Expanded (the view may show the rows it kept without asking for them): a refresh reloads it. */
  expand(organization: string): void {
    this.expanded.add(organization);
  }

  /** Organizations whose tokens are shown, in expansion order. */
  expandedOrganizations(): string[] {
    return [...this.expanded];
  }

  /**
   * Reloads what is shown: the organization list (if it was asked for) and every expanded
   * organization, all started now, in parallel. Running loads are superseded.
   */
  refresh(): void {
    if (this.listWanted) {
      this.supersede(this.list);
      void this.startList();
    }
    // What a collapsed organization showed is forgotten: expanded again, it is asked for again.
    for (const [organization, slot] of this.orgs) {
      if (!this.expanded.has(organization)) {
        slot.controller?.abort();
        this.orgs.delete(organization);
      }
    }
    for (const organization of this.expanded) {
      const slot = this.slot(organization);
      this.supersede(slot);
      void this.startTokens(organization, slot);
    }
    this.databases.refresh();
    this.fire(undefined);
  }

  /** Reloads one organization's tokens (after a revoke that found the token gone, say). */
  refreshOrganization(organization: string): void {
    const slot = this.orgs.get(organization);
    if (!slot) {
      return;
    }
    this.supersede(slot);
    if (this.expanded.has(organization)) {
      void this.startTokens(organization, slot);
    }
    this.fire({ organization });
  }

  /** A token revoked here: dropped from its organization's list without asking again. */
  removeToken(organization: string, tokenId: string): void {
    const slot = this.orgs.get(organization);
    const settled = slot?.settled;
    if (!slot || settled?.kind !== 'loaded' || slot.controller) {
      this.refreshOrganization(organization);
      return;
    }
    const updated: OrganizationTokensLoad = { ...settled, tokens: settled.tokens.filter((t) => t.id !== tokenId) };
    slot.settled = updated;
    slot.current = Promise.resolve(updated);
    this.fire({ organization });
  }

  /** A token created here for an organization whose list is shown: added without asking again. */
  addToken(token: OrganizationApiToken): void {
    const slot = this.orgs.get(token.organization);
    const settled = slot?.settled;
    if (!slot || settled?.kind !== 'loaded' || slot.controller) {
      if (slot) {
        this.refreshOrganization(token.organization);
      }
      return;
    }
    const updated: OrganizationTokensLoad = { ...settled, tokens: [...settled.tokens.filter((t) => t.id !== token.id), token] };
    slot.settled = updated;
    slot.current = Promise.resolve(updated);
    this.fire({ organization: token.organization });
  }

  /** What is happening to a token ("Revoking…"); undefined clears it. */
  setBusy(organization: string, tokenId: string, text: string | undefined): void {
    const key = `${organization}\u0000${tokenId}`;
    if (text === undefined) {
      this.busy.delete(key);
    } else {
      this.busy.set(key, text);
    }
    this.fire({ organization, tokenId });
  }

  busyText(organization: string, tokenId: string): string | undefined {
    return this.busy.get(`${organization}\u0000${tokenId}`);
  }

  /** Everything known is dropped (another credential, sign-out); nothing is asked until wanted again. */
  reset(): void {
    this.supersede(this.list);
    this.list = { generation: this.list.generation + 1 };
    this.listWanted = false;
    for (const slot of this.orgs.values()) {
      slot.controller?.abort();
    }
    this.orgs.clear();
    this.expanded.clear();
    this.busy.clear();
    this.databases.reset();
    this.fire(undefined);
  }

  dispose(): void {
    this.disposed = true;
    this.databases.reset();
    this.list.controller?.abort();
    for (const slot of this.orgs.values()) {
      slot.controller?.abort();
    }
    this.listeners.clear();
  }

  private fire(change: OrganizationsChange): void {
    for (const listener of [...this.listeners]) {
      listener(change);
    }
  }

  private slot(organization: string): Slot<OrganizationTokensLoad> {
    let slot = this.orgs.get(organization);
    if (!slot) {
      slot = { generation: 0 };
      this.orgs.set(organization, slot);
    }
    return slot;
  }

  private supersede<T>(slot: Slot<T>): void {
    slot.controller?.abort();
    slot.controller = undefined;
    slot.current = undefined;
    slot.generation += 1;
  }

  private startList(): Promise<OrganizationsLoad> {
    const slot = this.list;
    if (!slot.current) {
      const generation = slot.generation;
      const controller = new AbortController();
      slot.controller = controller;
      slot.current = this.fetchList(controller.signal).then((result) => {
        if (slot.generation === generation && this.list === slot) {
          slot.controller = undefined;
          slot.settled = result;
        }
        return result;
      });
    }
    return slot.current;
  }

  private startTokens(organization: string, slot: Slot<OrganizationTokensLoad>): Promise<OrganizationTokensLoad> {
    if (!slot.current) {
      const generation = slot.generation;
      const controller = new AbortController();
      slot.controller = controller;
      slot.current = this.fetchTokens(organization, controller.signal).then((result) => {
        if (slot.generation === generation && this.orgs.get(organization) === slot) {
          slot.controller = undefined;
          slot.settled = result;
        }
        return result;
      });
    }
    return slot.current;
  }

  private async fetchList(signal: AbortSignal): Promise<OrganizationsLoad> {
    const client = this.options.client();
    if (!client) {
      return { kind: 'failed', error: new Error('Not signed in') };
    }
    try {
      const organizations = await client.listOrganizations({ signal });
      return { kind: 'loaded', organizations: [...organizations].sort((a, b) => compareNames(a.slug, b.slug)) };
    } catch (error) {
      if (!signal.aborted) {
        this.options.onError?.('Listing organizations failed', error);
      }
      return { kind: 'failed', error };
    }
  }

  private async fetchTokens(organization: string, signal: AbortSignal): Promise<OrganizationTokensLoad> {
    const client = this.options.client();
    const username = this.options.username();
    if (!client) {
      return { kind: 'failed', organization, error: new Error('Not signed in') };
    }
    // Both at once: the list alone cannot tell a member's "only mine" from an admin's "all of them".
    const [tokens, member] = await Promise.allSettled([
      client.listOrganizationTokens(organization, { signal }),
      username ? client.getMember(organization, username, { signal }) : Promise.reject(new Error('No username')),
    ]);
    if (tokens.status === 'rejected') {
      if (!signal.aborted) {
        this.options.onError?.(`Listing the API tokens of "${organization}" failed`, tokens.reason);
      }
      return { kind: 'failed', organization, error: tokens.reason };
    }
    const role = member.status === 'fulfilled' ? member.value.role : undefined;
    if (member.status === 'rejected' && !signal.aborted) {
      this.options.onError?.(`Looking up the role in "${organization}" failed`, member.reason);
    }
    // Without the role, an owner on a row tells that every member's tokens are listed.
    const seesAll = role !== undefined ? managesAllOrganizationTokens(role) : tokens.value.some((t) => t.owner !== undefined);
    return { kind: 'loaded', organization, tokens: tokens.value, role, seesAll };
  }
}
