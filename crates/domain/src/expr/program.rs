//! Compiled expressions: a postfix program over resolved operands, and its evaluation.
//!
//! The program is the syntax tree flattened in evaluation order, so running it evaluates operands
//! left to right exactly as written (§1.6): `sum(a, b, c)` becomes `a b + c +`, `a / b / c` becomes
//! `a b / c /`, `and`/`or` evaluate both sides. Booleans are 1 and 0; a comparison yields 1 or 0;
//! `and`/`or` treat any non-zero number as true. The operand stack is a fixed array: no allocation.
//! Runs of item additions and item right operands are fused into single instructions, which keeps the
//! same operations in the same order.

use super::ast::{BinOp, Expr};

/// What a code in an expression resolved to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operand {
    /// A raw item, by index in the catalogue.
    Item(u16),
    /// An indicator, by index in the catalogue (controls only).
    Indicator(u16),
}

/// Deepest operand stack a program may need; the loader rejects deeper expressions.
pub const MAX_DEPTH: usize = 16;

/// One instruction of a [`Program`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Op {
    /// Push a constant.
    Const(f64),
    /// Push the number of an item.
    Item(u16),
    /// Push the value of an indicator.
    Indicator(u16),
    /// Negate the top of the stack.
    Neg,
    /// Pop the right then the left operand, push `left op right`.
    Bin(BinOp),
    /// Pop the left operand, push `left op item` (a load fused with the operator that follows it).
    BinItem(BinOp, u16),
    /// Push `((x0 + x1) + x2) + …` over a run of items (`sum` of items, or `a + b + c`), listed in
    /// the program's index table at `start..start + len`.
    SumItems {
        /// First index in the table.
        start: u32,
        /// Number of items (at least 2).
        len: u32,
    },
    /// Push a sum of items computed once per evaluation for every program that shares it (see
    /// [`Program::share_sums`]): the same additions in the same order, done once.
    SharedSum(u16),
}

/// Distinct runs of item additions shared by the programs of a catalogue.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SumTable {
    runs: Vec<Vec<u16>>,
}

impl SumTable {
    /// Computes every shared sum from the items' numbers, each folded left.
    pub fn compute(&self, items: &[f64], out: &mut Vec<f64>) {
        out.clear();
        out.extend(self.runs.iter().map(|run| {
            let mut sum = items[usize::from(run[0])];
            for i in &run[1..] {
                sum += items[usize::from(*i)];
            }
            sum
        }));
    }

    /// Number of distinct sums.
    pub fn len(&self) -> usize {
        self.runs.len()
    }

    /// True when no program shares a sum.
    pub fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }
}

/// A division whose right operand was 0 or −0 (§1.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DivisionByZero;

/// A compiled expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Program {
    ops: Vec<Op>,
    refs: Vec<Operand>,
    /// Item indices of the `SumItems` instructions.
    sums: Vec<u16>,
    depth: usize,
}

impl Program {
    /// Compiles `expr`, resolving each code with `resolve` (which may refuse it).
    pub fn compile<E>(expr: &Expr, resolve: &mut impl FnMut(&str) -> Result<Operand, E>) -> Result<Self, E> {
        let mut program = Program {
            ops: Vec::new(),
            refs: Vec::new(),
            sums: Vec::new(),
            depth: 0,
        };
        program.emit(expr, resolve)?;
        let mut depth = 0usize;
        for op in &program.ops {
            match op {
                Op::Const(_) | Op::Item(_) | Op::Indicator(_) => {
                    depth += 1;
                    program.depth = program.depth.max(depth);
                }
                Op::Neg | Op::BinItem(..) => {}
                Op::SumItems { .. } | Op::SharedSum(_) => {
                    depth += 1;
                    program.depth = program.depth.max(depth);
                }
                Op::Bin(_) => depth -= 1,
            }
        }
        program.fuse();
        Ok(program)
    }

    /// Fuses runs of item additions into `SumItems` and an item load followed by an operator into
    /// `BinItem`. The operations and their order are unchanged: only the dispatch is cheaper.
    fn fuse(&mut self) {
        let ops = std::mem::take(&mut self.ops);
        let mut i = 0;
        while i < ops.len() {
            if let Op::Item(first) = ops[i] {
                let mut run = vec![first];
                let mut j = i + 1;
                while let (Some(Op::Item(next)), Some(Op::Bin(BinOp::Add))) = (ops.get(j), ops.get(j + 1)) {
                    run.push(*next);
                    j += 2;
                }
                if run.len() >= 2 {
                    let start = u32::try_from(self.sums.len()).unwrap_or(u32::MAX);
                    let len = u32::try_from(run.len()).unwrap_or(u32::MAX);
                    self.sums.extend(run);
                    self.ops.push(Op::SumItems { start, len });
                    i = j;
                    continue;
                }
                if let Some(Op::Bin(op)) = ops.get(i + 1) {
                    self.ops.push(Op::BinItem(*op, first));
                    i += 2;
                    continue;
                }
            }
            self.ops.push(ops[i]);
            i += 1;
        }
    }

    /// Moves this program's runs of item additions into `table` (deduplicated), so that each distinct
    /// sum is computed once per evaluation. Returns false, leaving the program unchanged, when the table
    /// is full.
    pub fn share_sums(&mut self, table: &mut SumTable) -> bool {
        let mut ops = self.ops.clone();
        for op in &mut ops {
            if let Op::SumItems { start, len } = *op {
                let run = &self.sums[start as usize..(start + len) as usize];
                let id = match table.runs.iter().position(|r| r == run) {
                    Some(id) => id,
                    None => {
                        table.runs.push(run.to_vec());
                        table.runs.len() - 1
                    }
                };
                let Ok(id) = u16::try_from(id) else { return false };
                *op = Op::SharedSum(id);
            }
        }
        self.ops = ops;
        self.sums.clear();
        true
    }

    /// Deepest operand stack this program needs.
    pub fn depth(&self) -> usize {
        self.depth
    }

    fn emit<E>(
        &mut self,
        expr: &Expr,
        resolve: &mut impl FnMut(&str) -> Result<Operand, E>,
    ) -> Result<(), E> {
        match expr {
            Expr::Number(n) => self.ops.push(Op::Const(*n)),
            Expr::Bool(b) => self.ops.push(Op::Const(if *b { 1.0 } else { 0.0 })),
            Expr::Ref(code) => {
                let operand = resolve(code)?;
                if !self.refs.contains(&operand) {
                    self.refs.push(operand);
                }
                self.ops.push(match operand {
                    Operand::Item(i) => Op::Item(i),
                    Operand::Indicator(i) => Op::Indicator(i),
                });
            }
            Expr::Neg(inner) => {
                self.emit(inner, resolve)?;
                self.ops.push(Op::Neg);
            }
            Expr::Binary(op, left, right) => {
                self.emit(left, resolve)?;
                self.emit(right, resolve)?;
                self.ops.push(Op::Bin(*op));
            }
            Expr::Sum(terms) => {
                for (i, term) in terms.iter().enumerate() {
                    self.emit(term, resolve)?;
                    if i > 0 {
                        self.ops.push(Op::Bin(BinOp::Add));
                    }
                }
            }
        }
        Ok(())
    }

    /// The distinct operands, in order of first appearance.
    pub fn operands(&self) -> &[Operand] {
        &self.refs
    }

    /// The instructions.
    pub fn ops(&self) -> &[Op] {
        &self.ops
    }

    /// Runs the program. `items[i]` is the number of item `i`, `indicators[i]` the value of indicator
    /// `i` (indices as resolved at compile time), `shared` the sums of the [`SumTable`] the program
    /// was shared into (empty otherwise). Up to [`MAX_DEPTH`] pending operands (all the loader
    /// accepts) the stack is a fixed array; a deeper program allocates one.
    pub fn eval(&self, items: &[f64], indicators: &[f64], shared: &[f64]) -> Result<f64, DivisionByZero> {
        let mut fixed = [0.0f64; MAX_DEPTH];
        let mut deep = Vec::new();
        let stack: &mut [f64] = if self.depth <= MAX_DEPTH {
            &mut fixed
        } else {
            deep.resize(self.depth, 0.0);
            &mut deep
        };
        let mut top = 0usize;
        for op in &self.ops {
            match *op {
                Op::Const(c) => {
                    stack[top] = c;
                    top += 1;
                }
                Op::Item(i) => {
                    stack[top] = items[usize::from(i)];
                    top += 1;
                }
                Op::Indicator(i) => {
                    stack[top] = indicators[usize::from(i)];
                    top += 1;
                }
                Op::Neg => stack[top - 1] = -stack[top - 1],
                // The arithmetic operators are spelled out so the hot ones cost one dispatch.
                Op::Bin(BinOp::Add) => {
                    top -= 1;
                    stack[top - 1] += stack[top];
                }
                Op::Bin(BinOp::Sub) => {
                    top -= 1;
                    stack[top - 1] -= stack[top];
                }
                Op::Bin(BinOp::Mul) => {
                    top -= 1;
                    stack[top - 1] *= stack[top];
                }
                Op::Bin(BinOp::Div) => {
                    top -= 1;
                    stack[top - 1] = divide(stack[top - 1], stack[top])?;
                }
                Op::Bin(bin) => {
                    top -= 1;
                    stack[top - 1] = apply(bin, stack[top - 1], stack[top])?;
                }
                Op::BinItem(BinOp::Div, i) => stack[top - 1] = divide(stack[top - 1], items[usize::from(i)])?,
                Op::BinItem(BinOp::Add, i) => stack[top - 1] += items[usize::from(i)],
                Op::BinItem(bin, i) => stack[top - 1] = apply(bin, stack[top - 1], items[usize::from(i)])?,
                Op::SharedSum(id) => {
                    stack[top] = shared[usize::from(id)];
                    top += 1;
                }
                Op::SumItems { start, len } => {
                    let run = &self.sums[start as usize..(start + len) as usize];
                    let mut sum = items[usize::from(run[0])];
                    for i in &run[1..] {
                        sum += items[usize::from(*i)];
                    }
                    stack[top] = sum;
                    top += 1;
                }
            }
        }
        Ok(if top == 0 { 0.0 } else { stack[top - 1] })
    }
}

fn truth(b: bool) -> f64 {
    if b { 1.0 } else { 0.0 }
}

#[inline]
fn divide(l: f64, r: f64) -> Result<f64, DivisionByZero> {
    if r == 0.0 { Err(DivisionByZero) } else { Ok(l / r) }
}

fn apply(op: BinOp, l: f64, r: f64) -> Result<f64, DivisionByZero> {
    Ok(match op {
        BinOp::Add => l + r,
        BinOp::Sub => l - r,
        BinOp::Mul => l * r,
        BinOp::Div => divide(l, r)?,
        BinOp::Lt => truth(l < r),
        BinOp::Le => truth(l <= r),
        BinOp::Gt => truth(l > r),
        BinOp::Ge => truth(l >= r),
        BinOp::Eq => truth(l == r),
        BinOp::Ne => truth(l != r),
        BinOp::And => truth(l != 0.0 && r != 0.0),
        BinOp::Or => truth(l != 0.0 || r != 0.0),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::expr::parse;

    /// Compiles with `a`, `b`, `c`, … as items 0, 1, 2, … and evaluates with `values`.
    fn run(src: &str, values: &[f64]) -> Result<f64, DivisionByZero> {
        let expr = parse(src).unwrap();
        let program = Program::compile(&expr, &mut |code: &str| {
            Ok::<_, ()>(Operand::Item(u16::from(code.as_bytes()[0] - b'a')))
        })
        .unwrap();
        program.eval(values, &[], &[])
    }

    #[test]
    fn evaluates_left_to_right_without_rewriting() {
        // (0.1 + 0.2) + 0.3 differs from 0.1 + (0.2 + 0.3) in doubles.
        assert_eq!(run("sum(a, b, c)", &[0.1, 0.2, 0.3]), Ok(0.6000000000000001));
        assert_eq!(run("a + (b + c)", &[0.1, 0.2, 0.3]), Ok(0.6));
        assert_eq!(run("a / b / c", &[8.0, 4.0, 2.0]), Ok(1.0));
        assert_eq!(run("a - b - c", &[8.0, 4.0, 2.0]), Ok(2.0));
    }

    #[test]
    fn zero_and_negative_zero_divisors_fail() {
        assert_eq!(run("a / b", &[1.0, 0.0]), Err(DivisionByZero));
        assert_eq!(run("a / b", &[1.0, -0.0]), Err(DivisionByZero));
        assert_eq!(run("a / (b - b)", &[1.0, 3.0]), Err(DivisionByZero));
    }

    #[test]
    fn no_short_circuit_for_and_or() {
        // The right operand of a false `and` is still evaluated, so its division by zero is seen.
        assert_eq!(run("a > 1 and b / c > 0", &[0.0, 1.0, 0.0]), Err(DivisionByZero));
        assert_eq!(run("a > -1 or b / c > 0", &[0.0, 1.0, 0.0]), Err(DivisionByZero));
        assert_eq!(run("a > 1 or b == true", &[0.0, 1.0]), Ok(1.0));
        assert_eq!(run("a > 1 and b == true", &[0.0, 1.0]), Ok(0.0));
    }

    #[test]
    fn comparisons_are_exact_and_minus_is_unary() {
        assert_eq!(run("a + b == 0.3", &[0.1, 0.2]), Ok(0.0));
        assert_eq!(run("-a <= -0.21", &[0.21]), Ok(1.0));
        assert_eq!(run("--a", &[2.0]), Ok(2.0));
        assert_eq!(run("a != b", &[1.0, 1.0]), Ok(0.0));
    }

    #[test]
    fn fused_instructions_keep_the_order_of_operations() {
        let compile = |src: &str| {
            Program::compile(&parse(src).unwrap(), &mut |code: &str| {
                Ok::<_, ()>(Operand::Item(u16::from(code.as_bytes()[0] - b'a')))
            })
            .unwrap()
        };
        let p = compile("a / sum(b, c, d)");
        assert_eq!(
            p.ops(),
            &[
                Op::Item(0),
                Op::SumItems { start: 0, len: 3 },
                Op::Bin(BinOp::Div)
            ]
        );
        let p = compile("(a + b) / c - 2");
        assert_eq!(
            p.ops(),
            &[
                Op::SumItems { start: 0, len: 2 },
                Op::BinItem(BinOp::Div, 2),
                Op::Const(2.0),
                Op::Bin(BinOp::Sub)
            ]
        );
        // a + (b + c) is not a left fold: b + c is computed first.
        let p = compile("a + (b + c)");
        assert_eq!(
            p.ops(),
            &[
                Op::Item(0),
                Op::SumItems { start: 0, len: 2 },
                Op::Bin(BinOp::Add)
            ]
        );
        assert_eq!(
            run("sum(a, b, c) / d", &[0.1, 0.2, 0.3, 1.0]),
            Ok(0.6000000000000001)
        );
        assert_eq!(run("a + (b + c)", &[0.1, 0.2, 0.3]), Ok(0.6));
        assert_eq!(run("a / b", &[1.0, -0.0]), Err(DivisionByZero));
    }

    #[test]
    fn shared_sums_give_the_same_doubles() {
        let resolve = &mut |code: &str| Ok::<_, ()>(Operand::Item(u16::from(code.as_bytes()[0] - b'a')));
        let mut first = Program::compile(&parse("a / sum(a, b, c)").unwrap(), resolve).unwrap();
        let mut second = Program::compile(&parse("(a + b + c) * 2 - sum(b, c)").unwrap(), resolve).unwrap();
        let values = [0.1, 0.2, 0.3];
        let before = (first.eval(&values, &[], &[]), second.eval(&values, &[], &[]));
        let mut table = SumTable::default();
        assert!(first.share_sums(&mut table) && second.share_sums(&mut table));
        assert_eq!(table.len(), 2);
        assert_eq!(second.ops()[0], Op::SharedSum(0));
        let mut shared = Vec::new();
        table.compute(&values, &mut shared);
        assert_eq!(shared, vec![0.6000000000000001, 0.5]);
        assert_eq!(
            (
                first.eval(&values, &[], &shared),
                second.eval(&values, &[], &shared)
            ),
            before
        );
    }

    #[test]
    fn deep_programs_still_evaluate() {
        let src = format!("{}a{}", "(a + ".repeat(40), ")".repeat(40));
        assert_eq!(run(&src, &[1.0]), Ok(41.0));
    }

    #[test]
    fn depth_is_the_deepest_stack() {
        let depth = |src: &str| {
            let expr = parse(src).unwrap();
            Program::compile(&expr, &mut |_: &str| Ok::<_, ()>(Operand::Item(0)))
                .unwrap()
                .depth()
        };
        assert_eq!(depth("a"), 1);
        assert_eq!(depth("sum(a, b, c, d)"), 2);
        assert_eq!(depth("a / (b * (c + d))"), 4);
    }

    #[test]
    fn operands_are_distinct_in_order_of_appearance() {
        let expr = parse("c / sum(a, c, b)").unwrap();
        let program = Program::compile(&expr, &mut |code: &str| {
            Ok::<_, ()>(Operand::Item(u16::from(code.as_bytes()[0] - b'a')))
        })
        .unwrap();
        assert_eq!(
            program.operands(),
            &[Operand::Item(2), Operand::Item(0), Operand::Item(1)]
        );
    }
}
