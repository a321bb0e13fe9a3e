/**
 * SnapStart priming, once for every function: warm the SDK, run the function's side-effect-free
 * paths and prime its classifier before the snapshot.
 */
package io.autotag.shared.priming;
