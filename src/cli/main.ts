import { Command } from 'commander';
import { loadConfig } from '../config/config.ts';
import { registerServeCommand } from './serve-command.ts';
import { registerKeyCommands } from './key-commands.ts';
import { registerBrokerCommands } from './broker-commands.ts';
import { registerStoreCommands } from './store-commands.ts';
import { registerWebhookCommands } from './webhook-commands.ts';
import { registerIdentityCommands } from './identity-commands.ts';
import { registerImportCommands } from './import-commands.ts';
import { registerProjectionCommands } from './projection-commands.ts';

const program = new Command('smartcom').description('Loyalty data and communications hub').showHelpAfterError();
const config = () => loadConfig();
registerServeCommand(program, config);
registerStoreCommands(program, config);
registerKeyCommands(program, config);
registerBrokerCommands(program, config);
registerWebhookCommands(program, config);
registerIdentityCommands(program, config);
registerImportCommands(program, config);
registerProjectionCommands(program, config);

// No command at all runs the service; a mistyped one is an error, never a service started by accident.
const argv = process.argv.length > 2 ? process.argv : [...process.argv, 'serve'];
try {
  await program.parseAsync(argv);
} catch (error) {
  console.error(`smartcom: ${(error as Error).message}`);
  process.exitCode = 1;
}
