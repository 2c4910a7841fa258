// The loss argument of compile(), apart from the losses themselves so that the public
// declarations reach no loss helper.

/** A loss name (snake_case, camelCase or a Keras class name) or a Keras loss config { class_name, config }. */
export type LossArgument = string | { class_name: string; config?: { from_logits?: boolean; reduction?: string; [key: string]: unknown } | string; [key: string]: unknown };
