/**
 * One account's databases, per organization, as `GET /v1/organizations/{org}/databases` lists them.
 * No `vscode` import: tested in plain Node.
 *
 * Nothing is asked until an organization's Databases node is expanded: then one request. A refresh
 * reloads every expanded Databases node at once, in parallel; a collapsed one is forgotten (expanded
 * again, it is asked again). A load superseded while it ran (a refresh, a reset) is dropped.
 */
import type { TursoClient } from '../platform/client';
import type { Database } from '../platform/databases';

export type DatabasesLoad =
  | { kind: 'loaded'; organization: string; databases: readonly Database[] }
  | { kind: 'failed'; organization: string; error: unknown };

export interface DatabasesModelOptions {
  /** The account's API client, or undefined when it is signed out. */
  client(): TursoClient | undefined;
  onError?(message: string, error: unknown): void;
}

interface Slot {
  current?: Promise<DatabasesLoad>;
  settled?: DatabasesLoad;
  controller?: AbortController;
  generation: number;
}

export class DatabasesModel {
  private readonly slots = new Map<string, Slot>();
  private readonly expanded = new Set<string>();

  constructor(private readonly options: DatabasesModelOptions) {}

  /** The organization's databases: the running load, the last one, or a new one; marks it expanded. */
  async databases(organization: string): Promise<DatabasesLoad> {
    this.expanded.add(organization);
    for (;;) {
      const slot = this.slot(organization);
      const pending = this.start(organization, slot);
      const result = await pending;
      if (slot.current === pending || this.slots.get(organization) !== slot) {
        return result;
      }
    }
  }

  /** The last finished load, without a request. */
  settled(organization: string): DatabasesLoad | undefined {
    return this.slots.get(organization)?.settled;
  }

  /** The running loads, to wait for before a repaint. */
  running(): Promise<unknown>[] {
    return [...this.slots.values()].flatMap((s) => (s.controller && s.current ? [s.current] : []));
  }

  collapse(organization: string): void {
    this.expanded.delete(organization);
  }

  expand(organization: string): void {
    this.expanded.add(organization);
  }

  /** Reloads every expanded organization's databases, all started now; forgets the collapsed ones. */
  refresh(): void {
    for (const [organization, slot] of [...this.slots]) {
      if (!this.expanded.has(organization)) {
        slot.controller?.abort();
        this.slots.delete(organization);
      }
    }
    for (const organization of this.expanded) {
      const slot = this.slot(organization);
      slot.controller?.abort();
      slot.controller = undefined;
      slot.current = undefined;
      slot.generation += 1;
      void this.start(organization, slot);
    }
  }

  /** Everything known is dropped (another credential, sign-out). */
  reset(): void {
    for (const slot of this.slots.values()) {
      slot.controller?.abort();
    }
    this.slots.clear();
    this.expanded.clear();
  }

  private slot(organization: string): Slot {
    let slot = this.slots.get(organization);
    if (!slot) {
      slot = { generation: 0 };
      this.slots.set(organization, slot);
    }
    return slot;
  }

  private start(organization: string, slot: Slot): Promise<DatabasesLoad> {
    if (!slot.current) {
      const generation = slot.generation;
      const controller = new AbortController();
      slot.controller = controller;
      slot.current = this.fetch(organization, controller.signal).then((result) => {
        if (slot.generation === generation && this.slots.get(organization) === slot) {
          slot.controller = undefined;
          slot.settled = result;
        }
        return result;
      });
    }
    return slot.current;
  }

  private async fetch(organization: string, signal: AbortSignal): Promise<DatabasesLoad> {
    const client = this.options.client();
    if (!client) {
      return { kind: 'failed', organization, error: new Error('Not signed in') };
    }
    try {
      const databases = await client.listDatabases(organization, { signal });
      return { kind: 'loaded', organization, databases };
    } catch (error) {
      if (!signal.aborted) {
        this.options.onError?.(`Listing the databases of "${organization}" failed`, error);
      }
      return { kind: 'failed', organization, error };
    }
  }
}
