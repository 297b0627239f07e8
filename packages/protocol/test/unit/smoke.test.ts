import { decode } from '@clustr/protocol';
test('decodes', () => { expect(decode('x').ok).toBe(false); });
