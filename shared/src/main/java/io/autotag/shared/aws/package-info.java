/** AWS SDK clients built once per process, with the settings Lambda and local emulators need. */
package io.autotag.shared.aws;
