import { expect } from 'chai';
import {
  buildPage,
  paginationQuery,
  toPageWindow,
  listQuery,
} from '../../lib/pagination/paginate.js';
import { parseInput } from '../../lib/validation/parse-input.js';
import * as yup from 'yup';
import { AppError } from '../../lib/errors/app-error.js';

const url = 'http://api.test/api/regions/?page=2&page_size=10&is_online=true';

describe('pagination', () => {
  it('when no paging parameters are given, then page 1 of 20 is asked', () => {
    expect(parseInput(paginationQuery, {})).to.deep.equal({ page: 1, page_size: 20 });
  });

  it('when query strings carry numbers, then they are read as numbers', () => {
    expect(parseInput(paginationQuery, { page: '3', page_size: '100' })).to.deep.equal({
      page: 3,
      page_size: 100,
    });
  });

  for (const bad of [
    { page: '0' },
    { page: 'x' },
    { page_size: '101' },
    { page_size: '0' },
    { page: '1.5' },
  ]) {
    it(`when the query is ${JSON.stringify(bad)}, then it is a validation error`, () => {
      expect(() => parseInput(paginationQuery, bad)).to.throw(AppError);
    });
  }

  it('when an unknown parameter is sent, then it is refused by name', () => {
    const schema = listQuery({ phone: yup.string() });
    try {
      parseInput(schema, { phne: '1' });
      expect.fail('should throw');
    } catch (e: unknown) {
      expect((e as AppError).fields).to.have.property('phne');
    }
  });

  it('when page 2 of size 10 is asked, then the window skips 10 rows', () => {
    expect(toPageWindow({ page: 2, page_size: 10 })).to.deep.equal({
      limit: 10,
      offset: 10,
      pageIndex: 1,
    });
  });

  it('when a middle page is built, then next and previous keep the other filters', () => {
    const page = buildPage({ url, request: { page: 2, page_size: 10 }, count: 25, results: [1] });
    expect(page.count).to.equal(25);
    expect(page.next).to.equal('http://api.test/api/regions/?page=3&page_size=10&is_online=true');
    expect(page.previous).to.equal(
      'http://api.test/api/regions/?page=1&page_size=10&is_online=true',
    );
  });

  it('when the last page is built, then next is null', () => {
    const page = buildPage({ url, request: { page: 3, page_size: 10 }, count: 25, results: [] });
    expect(page.next).to.equal(null);
    expect(page.previous).to.contain('page=2');
  });

  it('when the first page holds everything, then next and previous are null', () => {
    const page = buildPage({ url, request: { page: 1, page_size: 10 }, count: 3, results: [] });
    expect(page).to.deep.include({ next: null, previous: null });
  });

  it('when a page past the end is asked, then previous points to the last real page', () => {
    const page = buildPage({ url, request: { page: 9, page_size: 10 }, count: 25, results: [] });
    expect(page.next).to.equal(null);
    expect(page.previous).to.contain('page=3');
  });

  it('when the list is empty, then both links are null', () => {
    const page = buildPage({ url, request: { page: 1, page_size: 20 }, count: 0, results: [] });
    expect(page).to.deep.equal({ count: 0, next: null, previous: null, results: [] });
  });
});
