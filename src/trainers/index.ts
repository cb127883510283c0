// The trainer adapters beyond the embedded engine: an external command and the OpenAI fine-tuning
// API, and the training files they share.
export {
  COMMAND_PLACEHOLDERS,
  CommandTrainer,
  type CommandTrainerOptions,
  type CommandTrainRequest,
} from './command-trainer.js';
export { OpenAITrainer, type OpenAITrainerOptions } from './openai-trainer.js';
export {
  dpoJsonl,
  openAIChatJsonl,
  sftRows,
  type TrainingRow,
  trlSftJsonl,
} from './training-rows.js';
