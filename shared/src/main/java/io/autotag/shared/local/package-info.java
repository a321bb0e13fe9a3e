/**
 * What running a Lambda handler outside Lambda needs (the local stack, tests, benchmarks): the
 * invocation context.
 */
package io.autotag.shared.local;
