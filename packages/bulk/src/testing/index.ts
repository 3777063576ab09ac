export { type BulkEngineSuiteOptions, defineBulkEngineSuite } from './bulk-engine-suite';
export {
  ANY_PATH,
  CLOSE_PATH,
  createFakeBulkWorld,
  FAST_POLICY,
  type FakeBulkWorld,
  type Fault,
  type FaultAction,
} from './fake-world';
