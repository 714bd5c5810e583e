import { registerSqlImportScenarios } from './support/sql-import-scenarios.ts';
import { createMariadbSource } from './support/sql-source-servers.ts';

// Issue 4: the import scenarios with a MariaDB (MySQL) server as the retailer's source.
registerSqlImportScenarios(createMariadbSource);
