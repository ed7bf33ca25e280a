/**
 * Just enough of the Kubernetes protobuf encoding to read the SelfSubjectAccessReview kubectl sends (kubectl posts
 * built-in kinds as application/vnd.kubernetes.protobuf): the "k8s\0" magic, the runtime.Unknown envelope and the
 * length-delimited string fields of the review's spec. Answers go back as JSON, which kubectl accepts.
 */

/** The magic every Kubernetes protobuf body starts with (k8s.io/apimachinery/pkg/runtime/serializer/protobuf). */
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

type Fields = Map<number, Buffer[]>;

/** The length-delimited fields of one protobuf message by number (varint fields are skipped). */
function fieldsOf(message: Buffer): Fields {
  const fields: Fields = new Map();
  let offset = 0;
  const varint = () => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = message[offset++];
      if (byte === undefined) throw new Error('truncated protobuf');
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
      shift += 7;
    }
  };
  while (offset < message.length) {
    const key = varint();
    const wireType = key & 7;
    const number = Math.floor(key / 8);
    if (wireType === 0) varint();
    else if (wireType === 2) {
      const length = varint();
      fields.set(number, [...(fields.get(number) ?? []), message.subarray(offset, offset + length)]);
      offset += length;
    } else if (wireType === 1) offset += 8;
    else if (wireType === 5) offset += 4;
    else throw new Error(`unsupported protobuf wire type ${wireType}`);
  }
  return fields;
}

const field = (fields: Fields, number: number): Buffer | undefined => fields.get(number)?.[0];
const text = (fields: Fields, number: number): string => field(fields, number)?.toString('utf8') ?? '';

export function isKubernetesProtobuf(body: Buffer): boolean {
  return body.subarray(0, MAGIC.length).equals(MAGIC);
}

/**
 * A protobuf SelfSubjectAccessReview as the JSON object the server reads: runtime.Unknown{raw: 2} →
 * SelfSubjectAccessReview{spec: 2} → spec{resourceAttributes: 1, nonResourceAttributes: 2} → ResourceAttributes{
 * namespace 1, verb 2, group 3, version 4, resource 5, subresource 6, name 7}.
 */
export function accessReviewFromProtobuf(body: Buffer): unknown {
  const unknown = fieldsOf(body.subarray(MAGIC.length));
  const review = fieldsOf(field(unknown, 2) ?? Buffer.alloc(0));
  const spec = fieldsOf(field(review, 2) ?? Buffer.alloc(0));
  const resource = field(spec, 1);
  const nonResource = field(spec, 2);
  const attributes = resource ? fieldsOf(resource) : null;
  return {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    spec: {
      ...(attributes
        ? {
            resourceAttributes: {
              namespace: text(attributes, 1),
              verb: text(attributes, 2),
              group: text(attributes, 3),
              version: text(attributes, 4),
              resource: text(attributes, 5),
              subresource: text(attributes, 6),
              name: text(attributes, 7),
            },
          }
        : {}),
      ...(nonResource
        ? { nonResourceAttributes: { path: text(fieldsOf(nonResource), 1), verb: text(fieldsOf(nonResource), 2) } }
        : {}),
    },
  };
}
