import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { inPodTransaction, query } from '@mutuo/event-store';
import { DEFAULT_POD_SETTINGS, type AdmissionMode, type JoinQuestion, type PodSettings, type RequestVisibility } from '../../domain/pod-settings.decider';

interface SettingsRow {
  request_visibility: RequestVisibility;
  escalate_to_neighbours: boolean;
  admission_mode: AdmissionMode;
  join_questions: JoinQuestion[];
}

@Injectable()
export class PodSettingsQueries {
  constructor(private readonly em: EntityManager) {}

  /** A pod that never changed its settings has the defaults. */
  async of(podId: string): Promise<PodSettings> {
    const [row] = await inPodTransaction(this.em.fork(), podId, (tx) =>
      query<SettingsRow>(tx, 'select request_visibility, escalate_to_neighbours, admission_mode, join_questions from pod_settings where pod_id = ?', [podId]),
    );
    if (!row) return DEFAULT_POD_SETTINGS;
    return {
      requestVisibility: row.request_visibility,
      escalateToNeighbours: row.escalate_to_neighbours,
      admissionMode: row.admission_mode,
      joinQuestions: row.join_questions,
    };
  }
}
