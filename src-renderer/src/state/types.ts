/**
 * The API's data types as the renderer names them, all derived from the contract (type-only imports: nothing
 * of src-main is bundled).
 */
import type { EventPayload, Output } from '../../../src-main/api/contract';

export type AppInfo = Output<'app.info'>;
export type Builtins = Output<'builtins.get'>;
export type CampaignSummary = Output<'campaigns.list'>[number];
export type CampaignGet = Output<'campaigns.get'>;
export type CampaignInfo = CampaignGet['campaign'];
export type CampaignProgress = CampaignGet['progress'];
export type MdTime = NonNullable<CampaignGet['mdTime']>;
export type EvaluationRecord = EventPayload<'evaluation.changed'>;
export type WorkerStatus = EventPayload<'worker.status'>;
export type WorkerRow = WorkerStatus['workers'][number];
export type EvaluationDetail = Output<'evaluations.detail'>;
export type SliceResult = NonNullable<Output<'surrogate.slice'>>;
export type MapResult = NonNullable<Output<'surrogate.map'>>;
export type ImportanceResult = NonNullable<Output<'surrogate.importance'>>;
export type ReferencePreviewResult = Output<'reference.preview'>;
export type ReferenceData = Output<'reference.get'>;
export type CompareRow = Output<'compare.get'>['rows'][number];
export type ParameterSpace = CampaignInfo['space'];
export type Dimension = ParameterSpace['free'][number];
export type CampaignStatus = CampaignSummary['status'];
export type Phase = EvaluationRecord['phase'];
