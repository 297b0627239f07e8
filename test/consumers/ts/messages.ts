// The consumer's own TypeBox schemas: TypeBox as the user's project resolves it (the ESM
// build in an ESM project, the CommonJS one elsewhere), handed to clustr's types.
import { Type } from '@sinclair/typebox';

export const messages = {
  public: Type.Object({ text: Type.String() }),
  private: Type.Object({ n: Type.Integer() }),
  group: Type.Union([Type.Literal('ping'), Type.Literal('pong')]),
};
