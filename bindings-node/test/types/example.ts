// Compiled with `tsc --noEmit --strict` by the test suite: the declared types are usable and
// strict enough that the `@ts-expect-error` lines below really are errors.
import {
  analyze,
  Client,
  ClientOptions,
  DcsError,
  InstanceListInfo,
  ListInstancesResponse,
  ServiceError,
  ShowInstanceResponse,
  ThrottledError,
  AnalysisError,
} from 'dcskit';

const options: ClientOptions = {
  region: 'cn-north-4',
  projectId: 'p',
  credentials: { ak: 'AK', sk: 'SK' },
  timeouts: { connectMs: 2000, readMs: 10000 },
  retries: { maxRetries: 2 },
};

export async function example(): Promise<number> {
  const client = new Client(options);
  const list: ListInstancesResponse = await client.listInstances({ limit: 10, offset: 0 });
  const first: InstanceListInfo | undefined = list.instances?.[0];
  const name: string | null | undefined = first?.name;

  const shown: ShowInstanceResponse = await client.showInstance({ instance_id: 'id' });
  const viaCall = await client.call('ShowInstance', { instance_id: 'id' });
  const sameType: ShowInstanceResponse = viaCall;
  const dynamic: Record<string, unknown> = await client.call('SomethingNew', { any: 1 });

  let count = 0;
  for await (const inst of client.paginate('listInstances', { limit: 50 })) {
    const id = inst.instance_id ?? undefined;
    count += id ? 1 : 0;
  }
  for await (const page of client.paginatePages('ListInstances', {})) count += page.instances?.length ?? 0;

  const running = await client.wait('instance_running', { instance_id: 'id' }, { timeoutMs: 60000, intervalMs: 1000 });
  const status: string | null | undefined = running.status;

  try {
    await client.createInstance({
      body: {
        name: 'x',
        engine: 'Redis',
        capacity: 1,
        spec_code: 'redis.single.xu1.large.1',
        az_codes: ['cn-north-4a'],
        vpc_id: 'v',
        subnet_id: 's',
      } as Parameters<Client['createInstance']>[0]['body'],
    });
  } catch (e) {
    if (e instanceof ThrottledError) count += e.retryAfter ?? 0;
    else if (e instanceof ServiceError) count += e.statusCode ?? 0;
    else if (e instanceof DcsError) count += e.code.length;
  }

  const controller = new AbortController();
  try {
    const report = await analyze('dump.rdb', {
      top: 10,
      delimiters: ':|',
      signal: controller.signal,
      onProgress: (p) => void (p.bytesRead + (p.totalBytes ?? 0)),
    });
    count += report.total_num;
  } catch (e) {
    if (e instanceof AnalysisError) count += e.offset ?? 0;
  }

  // @ts-expect-error: limit is a number
  await client.listInstances({ limit: 'ten' });
  // @ts-expect-error: instance_id is required
  await client.showInstance({});
  // @ts-expect-error: ShowInstance does not page
  client.paginate('showInstance', {});
  // @ts-expect-error: no such waiter
  await client.wait('instance_exploded', { instance_id: 'id' });
  // @ts-expect-error: results have no undeclared fields
  void shown.no_such_field;
  // @ts-expect-error: timeouts are in milliseconds with the unit in the name
  new Client({ timeouts: { connect: 5 } });

  return count + (name?.length ?? 0) + (status?.length ?? 0) + Object.keys(sameType).length + Object.keys(dynamic).length;
}
