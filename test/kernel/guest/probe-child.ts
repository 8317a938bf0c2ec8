// Runs the probe as an unprivileged user (nobody) and prints its text form: the heap nodes are
// root 0600, so this is where EACCES and the udev rules must show up.
import { formatProbe, probe } from '../../../host/probe/index.js';

process.setgid!(65534);
process.setuid!(65534);
const result = probe();
process.stdout.write(JSON.stringify(result) + '\n');
process.stdout.write(formatProbe(result));
