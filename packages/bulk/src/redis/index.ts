export {
  createRedisBulkEngine,
  type RedisBulkEngine,
  type RedisBulkEngineSettings,
  redactRedisUrl,
} from './redis-bulk-engine';
export { DEFAULT_REDIS_PREFIX } from './redis-keys';
export { limiterWindow } from './redis-rate-gate';
