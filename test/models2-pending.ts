// Files of ../shared/models2 that do not load yet, by `<folder>/<file>`, with every layer class the
// loader must still name as unsupported. test/models2.test.ts (and its Chromium leg) asserts that
// each of these fails with a ModelFileError naming exactly these classes, and that every other file
// loads and matches. When a layer lands, delete it here: the test then says which files now load.
export const PENDING: Readonly<Record<string, readonly string[]>> = {
  '6llz--deep-learning-NSSA/n_cnn_bigru_model.h5': ['BatchNormalization', 'Reshape'],
  'Anmol6--kaggle-seizure-competition/test3.h5': ['Activation'],
  'Eggman5800--abnormal-ecg-detector/lstm_autoencoder.keras': ['RepeatVector'],
  'Roopa-hub0--Speech_Emotion_Project/cnn_bilstm_model.h5': ['BatchNormalization'],
  'UValpoLabitec--FallDetectionModels/conv_blstm_modelv2.h5': ['BatchNormalization', 'Activation'],
  'Zmey1--OceanObservation/convlstm_model.h5': ['ConvLSTM2D', 'BatchNormalization', 'Flatten'],
  'hassanmiir--FedFor-Multi-Tasking/lstm_attention_model.h5': ['Attention', 'Flatten'],
  'pjunes--MLD_lstm_autoencoder/lstm_autoencoder.h5': ['RepeatVector'],
  'tleeds1--human-activity-recognition/LRCN_model.h5': ['Flatten'],
  'tleeds1--human-activity-recognition/convlstm_model.h5': ['ConvLSTM2D', 'Flatten'],
  'xingxiaoxuan--anomaly-detection/attention_model.h5': ['Permute', 'Multiply', 'Flatten'],
  'xingxiaoxuan--anomaly-detection/cool.h5': ['Flatten'],
};

/** The classes a loader error names as unsupported: every `"Class" (layer, ...)` in its message. */
export function namedUnsupportedClasses(message: string): string[] {
  const listed = /does not support/.test(message) ? message.split('; supported layers:')[0] : '';
  return [...listed.matchAll(/"([A-Za-z_][\w.]*)" \(/g)].map((m) => m[1]).sort();
}
