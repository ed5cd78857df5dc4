export interface CodecTestInput {
  tenantId: string;
  secretish: string;
}

export interface CodecTestResult {
  tenantId: string;
  echoed: string;
  failure: string;
}

export interface CodecTestActivities {
  echo(input: CodecTestInput): Promise<CodecTestInput>;
  fail(input: CodecTestInput): Promise<never>;
}
