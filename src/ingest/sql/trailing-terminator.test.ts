import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withoutTrailingTerminator } from './trailing-terminator.ts';

test('a terminator before blanks and comments goes, the comments stay', () => {
  assert.equal(withoutTrailingTerminator('SELECT 1;', 'postgres'), 'SELECT 1');
  assert.equal(withoutTrailingTerminator('SELECT 1; -- the members\n', 'postgres'), 'SELECT 1 -- the members\n');
  assert.equal(withoutTrailingTerminator('SELECT 1 ;;\n/* all */ ', 'oracle'), 'SELECT 1 \n/* all */ ');
  assert.equal(withoutTrailingTerminator('SELECT 1; # members', 'mysql'), 'SELECT 1 # members');
});

test('a semicolon inside a literal, a quoted name or a comment is not the terminator', () => {
  for (const query of ["SELECT 'a;'", "SELECT 'it''s;'", 'SELECT 1 AS "x;"', 'SELECT 1 -- a;', 'SELECT 1 /* a; */']) {
    assert.equal(withoutTrailingTerminator(query, 'postgres'), query);
  }
  assert.equal(withoutTrailingTerminator("SELECT 'it\\'s;'", 'mysql'), "SELECT 'it\\'s;'");
  assert.equal(withoutTrailingTerminator('SELECT 1 AS `x;`', 'mysql'), 'SELECT 1 AS `x;`');
  assert.equal(withoutTrailingTerminator('SELECT 1 AS [x;]', 'mssql'), 'SELECT 1 AS [x;]');
  // "#" is an operator in PostgreSQL, not a comment: the ";" after it ends the statement
  assert.equal(withoutTrailingTerminator('SELECT 5 # 3;', 'postgres'), 'SELECT 5 # 3');
  // a literal that closes and is followed by the terminator
  assert.equal(withoutTrailingTerminator("SELECT 'a;b'; -- x", 'mssql'), "SELECT 'a;b' -- x");
});

test("each dialect's own quoting and comment rules are followed", () => {
  // PostgreSQL: dollar quotes, and E'' strings with backslash escapes
  assert.equal(withoutTrailingTerminator('SELECT $t$--;$t$ AS x;', 'postgres'), 'SELECT $t$--;$t$ AS x');
  assert.equal(withoutTrailingTerminator('SELECT $$a;$$; -- n', 'postgres'), 'SELECT $$a;$$ -- n');
  assert.equal(withoutTrailingTerminator("SELECT E'it\\'s;' AS x; -- n", 'postgres'), "SELECT E'it\\'s;' AS x -- n");
  // ... while a plain '' string's backslash is just a character
  assert.equal(withoutTrailingTerminator("SELECT 'a\\' AS x;", 'postgres'), "SELECT 'a\\' AS x");
  // MySQL: "--" is a comment only before a blank; a backtick name takes no backslash escape
  assert.equal(withoutTrailingTerminator('SELECT 1--1;', 'mysql'), 'SELECT 1--1');
  assert.equal(withoutTrailingTerminator('SELECT 1 AS `a\\`;', 'mysql'), 'SELECT 1 AS `a\\`');
});
