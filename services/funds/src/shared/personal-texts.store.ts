import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '@mutuo/event-store';
import { checkText } from '../domain/money';

export interface PreparedText {
  readonly id: string;
  readonly text: string;
}

/**
 * Free text people write (reasons, donor names) lives here, not in the append-only events: events carry the text's
 * id, and erasing the author deletes the row, so nothing they wrote survives anywhere in funds.
 */
@Injectable()
export class PersonalTexts {
  /**
   * Validates a text and gives it an id, before the command that refers to it is decided; `store` keeps it once the
   * command was accepted, so a refused command leaves no text behind.
   */
  prepare(value: unknown, field: string, max: number, multiline = false): PreparedText {
    return { id: randomUUID(), text: checkText(value, field, max, multiline) };
  }

  /** Keeps a prepared text in the caller's transaction (pod set). */
  async store(tx: EntityManager, prepared: PreparedText, podId: string, authorMemberId: string | null): Promise<void> {
    await query(tx, 'insert into funds_personal_texts (id, pod_id, author_member_id, text) values (?, ?, ?, ?)', [
      prepared.id,
      podId,
      authorMemberId,
      prepared.text,
    ]);
  }

  async read(tx: EntityManager, ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await query<{ id: string; text: string }>(
      tx,
      'select id, text from funds_personal_texts where id in (select jsonb_array_elements_text(?::jsonb)::uuid)',
      [JSON.stringify(ids)],
    );
    return new Map(rows.map((row) => [row.id, row.text]));
  }

  /** Deletes everything the member wrote; returns how many texts went. */
  async eraseAuthor(tx: EntityManager, memberId: string): Promise<number> {
    const rows = await query(tx, 'delete from funds_personal_texts where author_member_id = ? returning id', [memberId]);
    return rows.length;
  }
}
