// Files of ../shared/models2 that do not load yet, by `<folder>/<file>`, with every layer class the
// loader must still name as unsupported. test/models2.test.ts (and its Chromium leg) asserts that
// each of these fails with a ModelFileError naming exactly these classes, and that every other file
// loads and matches. When a layer lands, delete it here: the test then says which files now load.
export const PENDING: Readonly<Record<string, readonly string[]>> = {
  '6llz--deep-learning-NSSA/n_cnn_bigru_model.h5': ['Conv1D', 'MaxPooling1D'],
  'Anmol6--kaggle-seizure-competition/test3.h5': ['Conv1D'],
  'G1213123--CIVL7018/cnn_lstm_model.h5': ['Conv1D', 'MaxPooling1D'],
  'Roopa-hub0--Speech_Emotion_Project/cnn_bilstm_model.h5': ['Conv1D', 'MaxPooling1D'],
  'TecqHarishKrish--Predicting_Neonatal_Diseases/cnn_lstm_model.h5': ['Conv1D', 'MaxPooling1D'],
  'UValpoLabitec--FallDetectionModels/conv_blstm_modelv2.h5': ['Conv1D', 'MaxPooling1D'],
  'Zmey1--OceanObservation/convlstm_model.h5': ['ConvLSTM2D'],
  'delladeldel--Time-Series-Forecasting-Using-CNN-LSTM/cnn_lstm_model.keras': ['Conv1D', 'MaxPooling1D'],
  'sh3ngsh3ng--CMAPSS_GRP_2/cnn_lstm_model.h5': ['Conv1D', 'MaxPooling1D'],
  'tleeds1--human-activity-recognition/LRCN_model.h5': ['Conv2D', 'MaxPooling2D'],
  'tleeds1--human-activity-recognition/convlstm_model.h5': ['ConvLSTM2D', 'MaxPooling3D'],
  'xingxiaoxuan--anomaly-detection/attention_model.h5': ['Conv1D'],
  'xingxiaoxuan--anomaly-detection/cool.h5': ['Conv1D'],
  'xingxiaoxuan--anomaly-detection/steam_feature.h5': ['Conv1D'],
};

/** The classes a loader error names as unsupported: every `"Class" (layer, ...)` in its message. */
export function namedUnsupportedClasses(message: string): string[] {
  const listed = /does not support/.test(message) ? message.split('; supported layers:')[0] : '';
  return [...listed.matchAll(/"([A-Za-z_][\w.]*)" \(/g)].map((m) => m[1]).sort();
}
