const KERAS_CLASS = { sgd: 'SGD', adam: 'Adam', adamw: 'AdamW', rmsprop: 'RMSprop', adagrad: 'Adagrad' };
const OWN_KEYS = {
    sgd: ['momentum', 'nesterov'],
    adam: ['beta1', 'beta2', 'epsilon', 'amsgrad'],
    adamw: ['beta1', 'beta2', 'epsilon', 'amsgrad'],
    rmsprop: ['rho', 'momentum', 'epsilon', 'centered'],
    adagrad: ['initialAccumulatorValue', 'epsilon'],
};
const SNAKE = { beta1: 'beta_1', beta2: 'beta_2', initialAccumulatorValue: 'initial_accumulator_value' };
export function optimizerConfig(optimizer) {
    const config = {
        name: optimizer.name,
        learning_rate: optimizer.learningRate,
        weight_decay: optimizer.weightDecay,
        clipnorm: optimizer.clipnorm,
        global_clipnorm: optimizer.globalClipnorm,
        clipvalue: optimizer.clipvalue,
        use_ema: false,
        ema_momentum: 0.99,
        ema_overwrite_frequency: null,
        loss_scale_factor: null,
        gradient_accumulation_steps: null,
    };
    for (const key of OWN_KEYS[optimizer.name])
        config[SNAKE[key] ?? key] = optimizer[key];
    return { module: 'keras.optimizers', class_name: KERAS_CLASS[optimizer.name], config, registered_name: null };
}
/** A plain JSON copy of a list or dict argument, null when it is absent or empty (as Keras writes it). */
function asWritten(value) {
    if (value === undefined || value === null)
        return null;
    if (Array.isArray(value))
        return value.length > 0 ? JSON.parse(JSON.stringify(value)) : null;
    if (typeof value === 'object')
        return Object.keys(value).length > 0 ? JSON.parse(JSON.stringify(value)) : null;
    return value;
}
export function compileConfig(optimizer, loss, metrics, lossWeights) {
    return {
        optimizer: optimizerConfig(optimizer),
        loss: asWritten(loss),
        loss_weights: asWritten(lossWeights),
        metrics: asWritten(metrics),
        weighted_metrics: null,
        run_eagerly: false,
        steps_per_execution: 1,
        jit_compile: false,
    };
}
