import { describe, expect, it } from 'vitest';
import { humaniseKey } from '../../src/build-pack/humanise-key';
import { outputBlocks } from '../../src/build-pack/output-blocks';
import { paragraphsOf } from '../../src/build-pack/plain-text';

describe('humaniseKey', () => {
  it.each([
    ['targetUsers', 'Target users'],
    ['target_users', 'Target users'],
    ['target-users', 'Target users'],
    ['HMWStatement', 'HMW statement'],
    ['userID', 'User ID'],
    ['URL', 'URL'],
    ['  spaced   out  ', 'Spaced out'],
    ['ελληνικάΚλειδιά', 'Ελληνικά κλειδιά'],
    ['名前', '名前'],
    ['', 'Unnamed'],
    ['___', 'Unnamed'],
  ])('%j reads as %j', (key, label) => {
    expect(humaniseKey(key)).toBe(label);
  });
});

describe('paragraphsOf', () => {
  it('splits at blank lines and line breaks, CRLF or not, and trims lines', () => {
    expect(paragraphsOf('  one\r\n  two  \r\n\r\n \t \nthree\rfour\n\n\n')).toEqual([
      ['one', 'two'],
      ['three', 'four'],
    ]);
  });

  it('finds nothing in blank text', () => {
    expect(paragraphsOf(' \n\t\r\n ')).toEqual([]);
  });
});

describe('outputBlocks', () => {
  it('groups short values first, as labelled fields people can read', () => {
    expect(
      outputBlocks({
        count: 3,
        ok: true,
        no: false,
        none: null,
        name: ' Maya ',
        empty: '',
        list: [],
        map: {},
      }),
    ).toEqual([
      {
        kind: 'fields',
        fields: [
          { label: 'Count', text: '3' },
          { label: 'Ok', text: 'Yes' },
          { label: 'No', text: 'No' },
          { label: 'None', text: '—' },
          { label: 'Name', text: 'Maya' },
          { label: 'Empty', text: '—' },
          { label: 'List', text: '—' },
          { label: 'Map', text: '—' },
        ],
      },
    ]);
  });

  it('puts short values before sections so none reads as part of a sub-heading', () => {
    const blocks = outputBlocks({ details: { a: 1 }, summary: 'short' });
    expect(blocks.map((block) => block.kind)).toEqual(['fields', 'section']);
  });

  it('gives long and multi-line strings their own paragraphs under a heading', () => {
    const long = 'word '.repeat(30).trim();
    expect(outputBlocks({ story: long, notes: 'first\nsecond\n\nthird' })).toEqual([
      { kind: 'section', level: 3, title: 'Story', blocks: [{ kind: 'paragraph', lines: [long] }] },
      {
        kind: 'section',
        level: 3,
        title: 'Notes',
        blocks: [
          { kind: 'paragraph', lines: ['first', 'second'] },
          { kind: 'paragraph', lines: ['third'] },
        ],
      },
    ]);
  });

  it('nests objects as headings down to level 6, then as labelled lists', () => {
    const blocks = outputBlocks({ a: { b: { c: { d: { e: { f: 'deep' } } } } } });
    const levels: number[] = [];
    let current = blocks[0];
    while (current?.kind === 'section') {
      levels.push(current.level);
      current = current.blocks[0];
    }
    expect(levels).toEqual([3, 4, 5, 6]);
    expect(current).toEqual({
      kind: 'definitions',
      items: [{ label: 'E', blocks: [{ kind: 'fields', fields: [{ label: 'F', text: 'deep' }] }] }],
    });
  });

  it('lists arrays, with objects inside items as labelled values', () => {
    expect(outputBlocks({ people: [{ name: 'Ann', tags: ['x'] }, 'plain', ['nested']] })).toEqual([
      {
        kind: 'section',
        level: 3,
        title: 'People',
        blocks: [
          {
            kind: 'list',
            items: [
              [
                { kind: 'fields', fields: [{ label: 'Name', text: 'Ann' }] },
                {
                  kind: 'definitions',
                  items: [
                    {
                      label: 'Tags',
                      blocks: [{ kind: 'list', items: [[{ kind: 'paragraph', lines: ['x'] }]] }],
                    },
                  ],
                },
              ],
              [{ kind: 'paragraph', lines: ['plain'] }],
              [{ kind: 'list', items: [[{ kind: 'paragraph', lines: ['nested'] }]] }],
            ],
          },
        ],
      },
    ]);
  });

  it('shows an empty object as a dash', () => {
    expect(outputBlocks({})).toEqual([{ kind: 'empty' }]);
  });

  it('stops at a safe depth on absurdly nested outputs', () => {
    let deep: Record<string, unknown> = { leaf: 'bottom' };
    for (let index = 0; index < 5000; index++) deep = { next: deep };
    const text = JSON.stringify(outputBlocks(deep));
    expect(text).toContain('nested too deeply to show');
    expect(text).not.toContain('bottom');
  });
});
