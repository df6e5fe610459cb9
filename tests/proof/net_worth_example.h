// The net worth method's worked example (IRM 9.5.9.5 worked by hand), shared by the proof tests
// (tests/proof/net_worth_test.cc) and the printed report's test (tests/cases/case_pdf_text_test.cc).
#ifndef MONEYTRAIL_TESTS_PROOF_NET_WORTH_EXAMPLE_H_
#define MONEYTRAIL_TESTS_PROOF_NET_WORTH_EXAMPLE_H_

namespace moneytrail::test_data {

// Worked example (amounts in USD). Base year 2022: cash 2,000.00, checking 8,500.00, residence
// at cost 180,000.00, mortgage 150,000.00: net worth 40,500.00.
// 2023: assets 3,000.00 + 12,250.50 + 180,000.00 + 42,000.00 = 237,250.50; liabilities
// 146,000.00 + 20,000.00 = 166,000.00; net worth 71,250.50; increase 30,750.50; + living
// 36,000.00 + nondeductible loss 1,200.00 - gift 5,000.00 = corrected AGI 62,950.50; -
// deductions 13,850.00 = corrected taxable income 49,100.50; - reported 18,000.00 =
// understatement 31,100.50.
// 2024: assets 2,500.00 + 30,000.00 + 180,000.00 + 42,000.00 + 25,000.25 = 279,500.25;
// liabilities 142,000.00 + 12,000.00 = 154,000.00; net worth 125,500.25; increase 54,249.75;
// + living 38,400.00 - inheritance 10,000.00 = 82,649.75; - 14,600.00 = 68,049.75; - reported
// 20,000.00 = understatement 48,049.75.
inline constexpr char kNetWorthWorkedExample[] =
    "year,kind,description,amount,note\n"
    "2022,cash_on_hand,Currency in home safe,2000.00,interview 2025-01-10\n"
    "2022,asset,Checking account First Bank,8500.00,statement\n"
    "2022,asset,Residence 12 Elm St (cost),180000.00,deed\n"
    "2022,loan,Mortgage on residence,150000.00,lender letter\n"
    "2023,cash_on_hand,Currency in home safe,3000.00,\n"
    "2023,asset,Checking account First Bank,12250.50,\n"
    "2023,asset,Residence 12 Elm St (cost),180000.00,\n"
    "2023,asset,Pickup truck (cost),42000.00,title\n"
    "2023,loan,Mortgage on residence,146000.00,\n"
    "2023,loan,Truck loan,20000.00,\n"
    "2023,living_expense,Personal living expenses,36000.00,\n"
    "2023,nondeductible_loss,Loss on sale of personal boat,1200.00,\n"
    "2023,gift,Gift from parent,5000.00,\n"
    "2023,deduction,Standard deduction and exemptions,13850.00,\n"
    "2023,reported_taxable_income,Form 1040 line 15,18000.00,\n"
    "2024,cash_on_hand,Currency in home safe,2500,\n"
    "2024,asset,Checking account First Bank,30000.00,\n"
    "2024,asset,Residence 12 Elm St (cost),180000.00,\n"
    "2024,asset,Pickup truck (cost),42000.00,\n"
    "2024,asset,Brokerage account,25000.25,\n"
    "2024,loan,Mortgage on residence,142000.00,\n"
    "2024,liability,Truck loan balance,12000.00,\n"
    "2024,living_expense,Personal living expenses,38400.00,\n"
    "2024,inheritance,Estate of an aunt,10000.00,\n"
    "2024,deduction,Standard deduction and exemptions,14600.00,\n"
    "2024,reported_taxable_income,Form 1040 line 15,20000.00,\n";

}  // namespace moneytrail::test_data

#endif  // MONEYTRAIL_TESTS_PROOF_NET_WORTH_EXAMPLE_H_
